// The file pickers of core/widgets/file_picker.html: the browser's own button is hidden (Chromium draws it in the
// browser's language, not the page's); a label in the page's language opens it, and this script writes the names
// of the chosen files beside it. Loaded once per picker on a page, it runs once.
(() => {
  if (window.xiangcunFilePicker) return;
  window.xiangcunFilePicker = true;
  const selector = "[data-file-picker] input[type=file]";

  function show(input) {
    const names = input.closest("[data-file-picker]").querySelector("[data-file-names]");
    const files = Array.from(input.files || []).map((file) => file.name);
    names.textContent = files.length ? files.join(names.dataset.separator) : names.dataset.none;
    names.title = names.textContent;
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches(selector)) show(event.target);
  });
  // form.reset() empties the inputs without a change event: the names follow once the reset is done.
  document.addEventListener("reset", (event) => {
    setTimeout(() => event.target.querySelectorAll(selector).forEach(show));
  });
})();
