from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_core_ext.tests.i18n_check import TranslationCompletenessMixin


@tagged("post_install", "-at_install")
class TestTranslation(TranslationCompletenessMixin, TransactionCase):
    _i18n_module = "crm_channel_service"
