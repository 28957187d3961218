import { registry } from "@web/core/registry";

// Data comes from tests/test_sellthrough_portal.py: a dealer's portal user; the
// page's URL names an attachment holding a report whose row 3 has an unknown lot.

registry.category("web_tour.tours").add("crm_channel_sellthrough_portal_tour", {
    steps: () => [
        {
            content: "Fill in the period",
            trigger: ".o_crm_sellthrough_upload_form input[name='date_from']",
            run() {
                const params = new URLSearchParams(window.location.search);
                document.querySelector("input[name='date_from']").value = params.get("date_from");
                document.querySelector("input[name='date_to']").value = params.get("date_to");
            },
        },
        {
            content: "Choose the dealer's spreadsheet",
            trigger: ".o_crm_sellthrough_upload_form input[name='report_file']",
            async run() {
                const params = new URLSearchParams(window.location.search);
                const response = await fetch(
                    `/web/content/${params.get("file")}?access_token=${params.get("token")}&download=true`
                );
                const file = new File([await response.blob()], "report.xlsx");
                const transfer = new DataTransfer();
                transfer.items.add(file);
                this.anchor.files = transfer.files;
            },
        },
        {
            content: "Upload it",
            trigger: ".o_crm_sellthrough_upload_form button.o_crm_sellthrough_upload",
            run: "click",
        },
        {
            content: "The error of row 3 is shown by row and column",
            trigger: ".o_crm_sellthrough_problems tr:contains('批号'):contains('Unknown lot'):contains('3')",
        },
        {
            content: "Nothing was imported",
            trigger: ".o_crm_sellthrough_problems_title:contains('Nothing was imported')",
        },
    ],
});
