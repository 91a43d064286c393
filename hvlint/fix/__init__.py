"""``--diff`` / ``--fix``: plan the renames a scheme asks for, check them against the index,
and write them as a patch or in place."""
