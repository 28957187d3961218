import re
from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tools.translate import TranslationModuleReader

CJK = re.compile(r"[\u3400-\u9fff]")


class TranslationCompletenessMixin:
    """Every term Odoo would export for the module (fields, selections,
    views, menus, actions, data records, ``_()`` in Python, JS and QWeb) has
    a non-empty translation in the module's ``i18n/zh_CN.po``, and the
    ``.pot`` lists every one of them. Terms already written in Chinese (demo
    names, for example) need none.

    Mixed into a ``TransactionCase`` by each module of the suite, with
    ``_i18n_module`` set to the module's name."""

    _i18n_module = None
    # Odoo 18 collects only the test methods a class defines itself.
    allow_inherited_tests_method = True

    def test_zh_cn_translation_complete(self):
        module = self._i18n_module
        terms = {
            source
            for _module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
                self.env.cr, modules=[module]
            )
            if not CJK.search(source)
        }
        self.assertTrue(terms, f"no translatable term found for {module}")
        i18n = Path(get_module_path(module)) / "i18n"
        translated = {e.msgid for e in polib.pofile(str(i18n / "zh_CN.po")) if e.msgstr.strip() and not e.obsolete}
        in_pot = {e.msgid for e in polib.pofile(str(i18n / f"{module}.pot")) if not e.obsolete}
        missing = sorted(terms - translated)
        self.assertFalse(
            missing,
            f"{len(missing)} term(s) of {module} have no zh_CN translation in i18n/zh_CN.po, e.g.: "
            + " | ".join(missing[:15]),
        )
        not_in_pot = sorted(terms - in_pot)
        self.assertFalse(
            not_in_pot,
            f"{len(not_in_pot)} term(s) of {module} are missing from i18n/{module}.pot, e.g.: "
            + " | ".join(not_in_pot[:15]),
        )
