"""The Isso-compatible API: Isso's HTTP interface over Rostra's verbs and queries, so that pages built for
Isso keep their `<script data-isso=…>` and only change its address.

Isso keeps two levels (a reply to a reply hangs under the top-level comment); Rostra keeps the whole
tree. Here every reply is presented under its top-level ancestor, in the order replies were posted.
See docs/migrating-from-isso.md for what differs from Isso 0.14.
"""
