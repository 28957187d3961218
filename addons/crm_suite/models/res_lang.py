from odoo import api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _crm_suite_install_language(self, code):
        """Activate a language and load its terms for every installed module.

        Called by the suite's demo data: Odoo loads a module's terms when the
        module is installed, for the languages active at that moment, so the
        modules installed before the suite turned Chinese on need them loaded
        here (what Settings ▸ Languages ▸ Add does, without the wizard).
        """
        lang = self._activate_lang(code) or self._create_lang(code)
        modules = self.env["ir.module.module"].search([("state", "in", ("installed", "to install", "to upgrade"))])
        modules._update_translations(lang.code)
        return lang.id
