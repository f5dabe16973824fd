/*
 * Django's own admin JavaScript strings (djangojs domain), translated in our catalogue.
 *
 * Django's Kazakh catalogue of the admin's JavaScript lacks the calendar (months, days),
 * the time picker and the selection counters, and has typos; a few Chinese ones are missing.
 * makemessages -d djangojs extracts msgids only from our sources: this file lists exactly
 * Django's msgids (django/contrib/admin/locale/en/LC_MESSAGES/djangojs.po) so that
 * `make messages` keeps them in locale/<lang>/LC_MESSAGES/djangojs.po and `make messages-check` keeps them
 * translated. It is never served or loaded (it is not under static/); the calls are markers.
 */
/* eslint-disable */
gettext_noop("Available %s");
gettext_noop("Choose %s by selecting them and then select the \"Choose\" arrow button.");
gettext_noop("Type into this box to filter down the list of available %s.");
gettext_noop("Filter");
gettext_noop("Choose all %s");
gettext_noop("Choose selected %s");
gettext_noop("Remove selected %s");
gettext_noop("Chosen %s");
gettext_noop("Remove %s by selecting them and then select the \"Remove\" arrow button.");
gettext_noop("Type into this box to filter down the list of selected %s.");
gettext_noop("(click to clear)");
gettext_noop("Remove all %s");
ngettext_lazy("%s selected option not visible", "%s selected options not visible", 1);
ngettext_lazy("%(sel)s of %(cnt)s selected", "%(sel)s of %(cnt)s selected", 1);
gettext_noop("You have unsaved changes on individual editable fields. If you run an action, your unsaved changes will be lost.");
gettext_noop("You have selected an action, but you haven’t saved your changes to individual fields yet. Please click OK to save. You’ll need to re-run the action.");
gettext_noop("You have selected an action, and you haven’t made any changes on individual fields. You’re probably looking for the Go button rather than the Save button.");
gettext_noop("Now");
gettext_noop("Midnight");
gettext_noop("6 a.m.");
gettext_noop("Noon");
gettext_noop("6 p.m.");
ngettext_lazy("Note: You are %s hour ahead of server time.", "Note: You are %s hours ahead of server time.", 1);
ngettext_lazy("Note: You are %s hour behind server time.", "Note: You are %s hours behind server time.", 1);
gettext_noop("Choose a Time");
gettext_noop("Choose a time");
gettext_noop("Cancel");
gettext_noop("Today");
gettext_noop("Choose a Date");
gettext_noop("Yesterday");
gettext_noop("Tomorrow");
gettext_noop("January");
gettext_noop("February");
gettext_noop("March");
gettext_noop("April");
gettext_noop("May");
gettext_noop("June");
gettext_noop("July");
gettext_noop("August");
gettext_noop("September");
gettext_noop("October");
gettext_noop("November");
gettext_noop("December");
pgettext("abbrev. month January", "Jan");
pgettext("abbrev. month February", "Feb");
pgettext("abbrev. month March", "Mar");
pgettext("abbrev. month April", "Apr");
pgettext("abbrev. month May", "May");
pgettext("abbrev. month June", "Jun");
pgettext("abbrev. month July", "Jul");
pgettext("abbrev. month August", "Aug");
pgettext("abbrev. month September", "Sep");
pgettext("abbrev. month October", "Oct");
pgettext("abbrev. month November", "Nov");
pgettext("abbrev. month December", "Dec");
gettext_noop("Sunday");
gettext_noop("Monday");
gettext_noop("Tuesday");
gettext_noop("Wednesday");
gettext_noop("Thursday");
gettext_noop("Friday");
gettext_noop("Saturday");
pgettext("abbrev. day Sunday", "Sun");
pgettext("abbrev. day Monday", "Mon");
pgettext("abbrev. day Tuesday", "Tue");
pgettext("abbrev. day Wednesday", "Wed");
pgettext("abbrev. day Thursday", "Thur");
pgettext("abbrev. day Friday", "Fri");
pgettext("abbrev. day Saturday", "Sat");
pgettext("one letter Sunday", "S");
pgettext("one letter Monday", "M");
pgettext("one letter Tuesday", "T");
pgettext("one letter Wednesday", "W");
pgettext("one letter Thursday", "T");
pgettext("one letter Friday", "F");
pgettext("one letter Saturday", "S");
