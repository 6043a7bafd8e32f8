// theme-init.js: the reader's colour theme, applied before the page is first
// painted (loaded without defer, before style.css, so no flash of the other
// theme). "light" or "dark", as the theme button (convbook-nav.js) stored it,
// becomes <html data-theme>; none follows the OS (style.css's
// prefers-color-scheme). A file, not an inline script: pages stay valid and
// work from file:// under any content security policy.
(function (html) {
  "use strict";
  var theme = null;
  try { theme = window.localStorage.getItem("convbook-theme"); } catch (error) { /* storage disabled: follow the OS */ }
  html.className += (html.className ? " " : "") + "cb-js";
  if (theme === "light" || theme === "dark") html.setAttribute("data-theme", theme);
})(document.documentElement);
