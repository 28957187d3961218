import { formatDate, formatDateTime } from "@web/core/l10n/dates";
import { localization } from "@web/core/l10n/localization";
import { dateField, dateTimeField } from "@web/views/fields/datetime/datetime_field";
import { listDateField, listDateTimeField } from "@web/views/fields/datetime/list_datetime_field";

// The list view gives date and datetime columns a fixed width measured on
// English dates (80 and 145 pixels): in Chinese (2026年01月05日) the dates are
// cut to "2026年0…". Give them the width of the longest date of the user's
// format instead, never less than before (later Odoo versions measure them the
// same way).

const ENGLISH_WIDTHS = { date: 80, datetime: 145 };
const measured = {};

function measureWidths() {
    const { dateFormat, timeFormat } = localization;
    const samples = { date: [], datetime: [] };
    // the longest month and weekday names when the format spells them out
    const months = /(?<!')MMM/.test(dateFormat) ? 12 : 1;
    const days = /(?<!')ccc/.test(dateFormat) ? 7 : 1;
    for (let month = 1; month <= months; month++) {
        for (let day = 1; day <= days; day++) {
            samples.date.push(formatDate(luxon.DateTime.local(2017, month, 20 + day)));
            for (const hour of /(?<!')a/.test(timeFormat) ? [8, 20] : [18]) {
                samples.datetime.push(formatDateTime(luxon.DateTime.local(2017, month, 20 + day, hour, 58, 58)));
            }
        }
    }
    const box = document.createElement("div");
    box.className = "o_list_renderer invisible position-absolute";
    const table = document.createElement("table");
    table.className = "o_list_table table";
    box.appendChild(table);
    for (const kind of ["date", "datetime"]) {
        const row = table.insertRow();
        for (const text of samples[kind]) {
            const span = document.createElement("span");
            span.className = "fw-bold"; // a decoration-bf column is the widest
            span.textContent = text;
            row.insertCell().appendChild(span);
        }
    }
    document.body.appendChild(box);
    for (const [index, kind] of ["date", "datetime"].entries()) {
        const widths = [...table.rows[index].querySelectorAll("span")].map(
            (span) => span.getBoundingClientRect().width
        );
        measured[kind] = Math.max(ENGLISH_WIDTHS[kind], Math.ceil(Math.max(...widths)) + 2);
    }
    box.remove();
}

function columnWidth(kind) {
    return () => {
        if (!(kind in measured)) {
            measureWidths();
        }
        return measured[kind];
    };
}

// the list view's own date fields, and the others for a date widget in a list
for (const [field, kind] of [
    [listDateField, "date"],
    [listDateTimeField, "datetime"],
    [dateField, "date"],
    [dateTimeField, "datetime"],
]) {
    field.listViewWidth = columnWidth(kind);
}
