"""Reading C: comments and strings blanked, directives and their ``#if`` stack, defines, enum
constants, call sites and constant values. Knows nothing about any tree."""
