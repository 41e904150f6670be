"""The portfolio: every project the reader may see, with its computed health and the few
numbers that tell where attention is needed, filterable, sortable, exportable."""
