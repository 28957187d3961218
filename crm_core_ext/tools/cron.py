"""What the suite's scheduled jobs share: batches that report their progress,
and work per record that one bad record cannot stop.

Other modules of the suite import it as
``from odoo.addons.crm_core_ext.tools.cron import run_in_batches, run_isolated``.
"""

import logging

_logger = logging.getLogger(__name__)


def run_in_batches(env, run_batch, label):
    """Run a batched job: ``run_batch()`` handles one batch and returns
    ``(done, remaining)``.

    Under the scheduler (``ir_cron_progress_id`` in the context) one call runs
    one batch and reports its progress, so that the scheduler commits it and
    calls the job again at once while work remains. Called elsewhere (tests, a
    server action), it loops until nothing remains or a batch does nothing.

    :return: how many were done in all
    """
    cron = env["ir.cron"]
    in_cron = bool(env.context.get("ir_cron_progress_id"))
    total = remaining = 0
    while True:
        done, remaining = run_batch()
        total += done
        cron._notify_progress(done=done, remaining=remaining)
        if in_cron or not remaining or not done:
            break
    _logger.info("%s: %s done, %s remaining", label, total, remaining)
    return total


def run_isolated(records, process, label):
    """Call ``process(record)`` for each of ``records`` in a savepoint of its
    own: a record that fails is rolled back alone and logged with its error,
    and the job goes on with the others (it is tried again on the next run).

    :return: ``(done, failed)``, two recordsets
    """
    done_ids, failed_ids = [], []
    for record in records:
        try:
            with record.env.cr.savepoint():
                process(record)
        except Exception:
            _logger.exception("%s: %s failed and was skipped; the next run tries it again", label, record)
            failed_ids.append(record.id)
        else:
            done_ids.append(record.id)
    return records.browse(done_ids), records.browse(failed_ids)
