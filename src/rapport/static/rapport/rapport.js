// Rapport's only script besides htmx: progressive touches that the pages work without.
document.addEventListener("DOMContentLoaded", () => {
  // A new person's time zone defaults to the browser's, where the form still shows UTC.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("select[data-browser-time-zone]").forEach((select) => {
    if (select.value === "UTC" && zone && select.querySelector(`option[value="${CSS.escape(zone)}"]`)) {
      select.value = zone;
    }
  });

  // Channel guidance: when a kind of message or a channel is chosen, show which channels suit.
  document.querySelectorAll("form[data-advice-url]").forEach((form) => {
    const kind = form.querySelector("select[name=kind]");
    const channel = form.querySelector("select[name=channel]");
    const target = form.querySelector("#channel-advice");
    if (!kind || !channel || !target) return;
    const advise = async () => {
      const query = new URLSearchParams({ kind: kind.value, channel: channel.value });
      const response = await fetch(`${form.dataset.adviceUrl}?${query}`, { credentials: "same-origin" });
      if (response.ok) target.innerHTML = await response.text();
    };
    kind.addEventListener("change", advise);
    channel.addEventListener("change", advise);
    if (kind.value) advise();
  });

  // Global search: "/" or Ctrl+K (Cmd+K) from anywhere puts the cursor in the search box.
  const search = document.querySelector("input[data-search-shortcut]");
  if (search) {
    document.addEventListener("keydown", (event) => {
      const typing = event.target.closest("input, textarea, select, [contenteditable]");
      const slash = event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey;
      const commandK = (event.key || "").toLowerCase() === "k" && (event.ctrlKey || event.metaKey) && !event.altKey;
      if (slash || commandK) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    });
  }

  // Quick entry: L starts logging a touchpoint; Ctrl+Enter (or Cmd+Enter) saves it.
  const quick = document.querySelector("form[data-quick-log]");
  if (quick) {
    document.addEventListener("keydown", (event) => {
      const typing = event.target.closest("input, textarea, select, [contenteditable]");
      if (!typing && event.key.toLowerCase() === "l" && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        (quick.querySelector("textarea[name=summary]") || quick.querySelector("select, input")).focus();
        quick.scrollIntoView({ block: "center" });
      }
    });
    quick.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        quick.requestSubmit();
      }
    });
  }
});
