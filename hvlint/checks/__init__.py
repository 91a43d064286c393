"""The rules: one module per rule, each a ``check(ctx)`` generator of findings.

``CHECKS`` maps rule codes to their check functions; rules/HVnnn.toml holds the identity,
messages and doc of each.
"""

from hvlint.checks import hv101, hv102, hv103, hv104, hv105, hv106

CHECKS = {
    "HV101": hv101.check,
    "HV102": hv102.check,
    "HV103": hv103.check,
    "HV104": hv104.check,
    "HV105": hv105.check,
    "HV106": hv106.check,
}
