/*
 * Web Push handlers (push, notificationclick), loaded by /sw.js through importScripts.
 * Placeholder created by the PWA work so /sw.js installs; the push feature replaces this file.
 */
