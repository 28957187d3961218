from . import controllers
from . import models
from . import wizard


def uninstall_hook(env):
    """The stored channel stock is a table of its own (see crm.channel.stock): not one the ORM drops."""
    env.cr.execute("DROP TABLE IF EXISTS crm_channel_stock_total")
