"""The records checked against their ledger receipts by `safeshare ledger verify
--records` (issue #6 item 6), written once here: the ledger imports no domain app, so
it runs the checks it is given (`ledger.records.verify_records`).

Each check is named by the plural noun of its records; a new kind of record that
carries a receipt adds its check to this list.
"""

from safeshare.exchange.integrity import check_shares
from safeshare.ledger.records import RecordCheck

RECORD_CHECKS: dict[str, RecordCheck] = {
    "shares": check_shares,
}
