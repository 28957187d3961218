from odoo import _, models
from odoo.exceptions import UserError


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Keep the unified social credit code through the host's merge.

        The host copies the values of the merged partners onto the one kept
        before it deletes them, so for a moment two partners would hold the
        same code, which the per-company uniqueness refuses. The code is taken
        off the partners first and given to the one kept afterwards. Partners
        with two different codes are two legal entities: they are not merged.
        """
        partners = self.env["res.partner"].browse(partner_ids).exists().sudo()
        codes = set(partners.mapped("crm_credit_code")) - {False}
        if len(codes) > 1:
            raise UserError(
                _(
                    "%(partners)s have different unified social credit codes (%(codes)s): they are different legal "
                    "entities and cannot be merged. Correct the wrong code first if one was mistyped.",
                    partners=", ".join(partners.mapped("display_name")),
                    codes=", ".join(sorted(codes)),
                )
            )
        holders = partners.filtered("crm_credit_code") if len(partners) > 1 else partners.browse()
        if holders:
            holders.write({"crm_credit_code": False})
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        if holders:
            kept = partners.exists()
            (kept if len(kept) == 1 else holders).write({"crm_credit_code": codes.pop()})
        return result

    def _update_values(self, src_partners, dst_partner):
        """The host copies every stored value of the merged partners onto the
        one kept; ownership, pool and value fields stay those of the partner
        kept (see ``res.partner._crm_merge_target``)."""
        return super()._update_values(src_partners, dst_partner._crm_merge_target())
