/**
 * User administration over HTTP ({@code /api/admin/users}): list, create local accounts with a
 * password shown once, reset passwords, make or unmake administrators (never the last one), and
 * delete users with everything that is theirs. Administrators at a browser only.
 */
package dev.prioritynotify.admin;
