import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { inputFiles } from "@web/../tests/utils";

// Data comes from tests/test_partner_import_tour.py: an existing customer
// 北京华拓科技股份有限公司 and, as the user's private attachment, a workbook in
// which 北京 华拓科技 is that customer again. The tour uploads the workbook
// through the wizard's file field, like a user picking it on disk.

async function workbookFile() {
    const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
        model: "ir.attachment",
        method: "search_read",
        args: [[["name", "=", "crm_partner_import_tour.xlsx"]], ["datas"]],
        kwargs: {},
    });
    const bytes = Uint8Array.from(atob(attachment.datas), (char) => char.charCodeAt(0));
    return new File([bytes], "legacy_customers.xlsx", {
        type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    });
}

registry.category("web_tour.tours").add("crm_partner_import_tour", {
    steps: () => [
        {
            content: "Open the Customer Management menu",
            trigger: ".o_main_navbar button:contains('Customer Management')",
            run: "click",
        },
        {
            content: "Open the import",
            trigger: ".dropdown-item:contains('Import Customers')",
            run: "click",
        },
        {
            content: "Upload the workbook",
            trigger: ".modal .o_field_widget[name='file'] .o_select_file_button",
            async run() {
                await inputFiles(".modal .o_field_widget[name='file'] input.o_input_file", [await workbookFile()]);
            },
        },
        {
            content: "The file is there",
            trigger: ".modal .o_field_widget[name='file'] input.o_input",
            run() {
                const name = document.querySelector(".modal .o_field_widget[name='file'] input.o_input").value;
                if (name !== "legacy_customers.xlsx") {
                    throw new Error(`Unexpected file name ${name}`);
                }
            },
        },
        {
            content: "Preview",
            trigger: ".modal footer button[name='action_preview']:contains('Preview')",
            run: "click",
        },
        {
            content: "The duplicate is an error, on the row and column where it is",
            trigger:
                ".modal .o_field_widget[name='line_ids'] tr.o_data_row:has(td[name='row']:contains('4')):has(td[name='column']:contains('客户名称')):contains('Possible duplicate of existing customer 北京华拓科技股份有限公司')",
        },
        {
            content: "Import is not offered while errors remain",
            trigger: ".modal .alert-danger:contains('must be fixed')",
            run() {
                if (document.querySelector(".modal footer button[name='action_import']")) {
                    throw new Error("The Import button is shown although the file has errors");
                }
            },
        },
        {
            content: "Choose to skip duplicate customers",
            trigger: ".modal .o_field_widget[name='duplicate_policy'] input[data-value='skip']",
            run: "click",
        },
        {
            content: "Check the file again",
            trigger: ".modal footer button[name='action_preview']:contains('Preview')",
            run: "click",
        },
        {
            content: "The duplicate is now skipped, with a warning",
            trigger: ".modal .o_field_widget[name='line_ids'] tr.o_data_row:contains('The customer is skipped')",
        },
        {
            content: "The summary counts what will be imported",
            trigger: ".modal .alert-info:contains('Ready to import'):contains('duplicate customer(s) skipped')",
        },
        {
            content: "Import",
            trigger: ".modal footer button[name='action_import']",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".modal .alert-success:contains('Imported')",
        },
        {
            content: "Open the imported customers",
            trigger: ".modal footer button[name='action_open_customers']",
            run: "click",
        },
        {
            content: "The new customer is listed, the duplicate is not",
            trigger: ".o_list_view .o_data_row:contains('杭州云帆机械有限公司')",
            run() {
                if ([...document.querySelectorAll(".o_list_view .o_data_row")].some((row) =>
                    row.textContent.includes("北京 华拓科技"))) {
                    throw new Error("The duplicate customer was imported");
                }
            },
        },
    ],
});
