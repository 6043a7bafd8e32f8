// convbook-nav.js: the menu button, the current section in "On this page",
// and the colour-theme button.
//
// - Below the wide layout the chapter list and "On this page" are one menu
//   (#site-menu), opened by the header's menu button (aria-expanded,
//   aria-controls); Escape, a click outside or following a link closes it and
//   focus returns to the button.
// - The heading the reader is in is marked in "On this page" (class active,
//   aria-current="location"), found with an IntersectionObserver.
// - The theme button cycles OS → light → dark, stored in localStorage
//   ("convbook-theme"), which theme-init.js applies before the first paint.
"use strict";

(function (root) {
  const Convbook = (root.Convbook = root.Convbook || {});
  const storageKey = "convbook-theme";
  const themes = ["os", "light", "dark"];
  // The visible word, and what it means; the button's name starts with the word (WCAG 2.5.3).
  const themeNames = { os: ["Auto", "as the system"], light: ["Light", "light"], dark: ["Dark", "dark"] };

  /// The stored choice: "light", "dark" or "os".
  function storedTheme() {
    try {
      const value = root.localStorage.getItem(storageKey);
      return value === "light" || value === "dark" ? value : "os";
    } catch (error) {
      return "os";
    }
  }

  function applyTheme(theme) {
    const html = document.documentElement;
    if (theme === "os") html.removeAttribute("data-theme"); else html.setAttribute("data-theme", theme);
    try {
      if (theme === "os") root.localStorage.removeItem(storageKey); else root.localStorage.setItem(storageKey, theme);
    } catch (error) { /* storage disabled: the choice lasts for this page */ }
  }

  function setUpThemeButton(button) {
    if (!button) return;
    const show = (theme) => {
      button.dataset.theme = theme;
      const [word, meaning] = themeNames[theme];
      button.setAttribute("aria-label", `${word}: colour theme ${meaning}; change`);
      button.title = `Colour theme: ${meaning}`;
      button.querySelector(".theme-name").textContent = word;
    };
    show(storedTheme());
    button.hidden = false;
    button.addEventListener("click", () => {
      const next = themes[(themes.indexOf(button.dataset.theme) + 1) % themes.length];
      applyTheme(next);
      show(next);
    });
  }

  function setUpMenu(button) {
    const menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.hidden = false;
    const isOpen = () => button.getAttribute("aria-expanded") === "true";
    function close(returnFocus) {
      if (!isOpen()) return;
      button.setAttribute("aria-expanded", "false");
      document.documentElement.classList.remove("cb-menu-open");
      if (returnFocus) button.focus();
    }
    function open() {
      // The menu hangs below the header, however tall the header is on this screen.
      const header = button.closest("header");
      if (header) document.documentElement.style.setProperty("--cb-menu-top", `${Math.max(0, header.getBoundingClientRect().bottom)}px`);
      button.setAttribute("aria-expanded", "true");
      document.documentElement.classList.add("cb-menu-open");
      const first = menu.querySelector("a[aria-current='page']") || menu.querySelector("a");
      if (first) first.focus();
    }
    button.addEventListener("click", () => (isOpen() ? close(false) : open()));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && isOpen()) {
        event.preventDefault();
        close(true);
      }
    });
    document.addEventListener("click", (event) => {
      if (isOpen() && !menu.contains(event.target) && !button.contains(event.target)) close(false);
    });
    menu.addEventListener("click", (event) => {
      if (event.target.closest("a")) close(false);
    });
    // Focus that leaves the menu (Tab past its last link) closes it.
    menu.addEventListener("focusout", (event) => {
      if (isOpen() && event.relatedTarget && !menu.contains(event.relatedTarget) && event.relatedTarget !== button) close(false);
    });
    // The wide layout shows both lists beside the text: the menu is closed there.
    const wide = root.matchMedia ? root.matchMedia("(min-width: 72.01rem)") : null;
    if (wide && wide.addEventListener) wide.addEventListener("change", (event) => { if (event.matches) close(false); });
  }

  /// Marks the link of the section being read: the last heading of the
  /// list above the upper third of the window.
  function setUpActiveSection(toc) {
    if (!toc) return;
    const links = Array.from(toc.querySelectorAll("a[href^='#']"));
    const entries = links.map((link) => ({ link, heading: document.getElementById(decodeURIComponent(link.hash.slice(1))) }))
      .filter((entry) => entry.heading);
    if (!entries.length) return;
    let current = null;
    function mark() {
      const line = root.innerHeight * 0.3 + 1;
      let found = null;
      for (const entry of entries) {
        if (entry.heading.getBoundingClientRect().top - line <= 0) found = entry; else break;
      }
      if (!found) found = entries[0];
      if (found === current) return;
      if (current) {
        current.link.classList.remove("active");
        current.link.removeAttribute("aria-current");
      }
      current = found;
      current.link.classList.add("active");
      current.link.setAttribute("aria-current", "location");
    }
    if ("IntersectionObserver" in root) {
      // Any heading crossing the band at the top of the window may change the section: then look again.
      const observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -70% 0px", threshold: [0, 1] });
      entries.forEach((entry) => observer.observe(entry.heading));
      // A jump that carries a heading across the band between two frames is not a crossing: look when scrolling ends.
      root.addEventListener("scrollend", mark, { passive: true });
    } else {
      root.addEventListener("scroll", mark, { passive: true });
    }
    mark();
  }

  Convbook.nav = {
    setUp() {
      setUpThemeButton(document.querySelector(".theme-button"));
      setUpMenu(document.querySelector(".menu-button"));
      setUpActiveSection(document.querySelector(".toc"));
    },
    storedTheme,
    applyTheme,
  };
})(globalThis);
