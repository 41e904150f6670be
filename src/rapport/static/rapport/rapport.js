// Rapport's only script besides htmx: progressive touches that the pages work without.
document.addEventListener("DOMContentLoaded", () => {
  // A new person's time zone defaults to the browser's, where the form still shows UTC.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("select[data-browser-time-zone]").forEach((select) => {
    if (select.value === "UTC" && zone && select.querySelector(`option[value="${CSS.escape(zone)}"]`)) {
      select.value = zone;
    }
  });
});
