// The editorial calendar: FullCalendar fed by calendar_app.views.calendar, times in the
// municipality's wall-clock time (FullCalendar in UTC so that no browser shifts them).
// A post opens its panel beside the grid (htmx); an other communication opens its page.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("calendar");
  if (!element) return;
  const status = document.getElementById("calendar-status");
  const panel = document.getElementById("calendar-panel");
  const data = element.dataset;
  let opener = null;

  function say(message, failed) {
    status.textContent = message;
    status.hidden = false;
    status.classList.toggle("error", failed);
  }

  function span(className, text) {
    const node = document.createElement("span");
    node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // What an item says beside its title: its channel (or kind of communication) and its status; the icon
  // and the colour say them to the eye, this text to screen readers and as the item's tooltip.
  function about(event) {
    const props = event.extendedProps;
    return [props.channel, props.status].filter(Boolean).join(", ");
  }

  // Each item: its network's (or kind's) icon, its time, its title.
  function content(arg) {
    if (arg.event.display === "background") return true;
    const props = arg.event.extendedProps;
    const item = span("item-content");
    if (props.icon) {
      const icon = span(`network-icon icon-${props.icon}`);
      icon.setAttribute("aria-hidden", "true");
      item.append(icon);
    }
    if (arg.timeText && !arg.view.type.startsWith("list")) item.append(span("fc-event-time", arg.timeText));
    item.append(span("fc-event-title", arg.event.title));
    item.append(span("visually-hidden", ` (${about(arg.event)})`));
    return { domNodes: [item] };
  }

  function mounted(info) {
    if (info.event.display !== "background") info.el.title = `${info.event.title} (${about(info.event)})`;
  }

  async function post(url, fields) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": data.csrf },
        body: new URLSearchParams(fields),
        credentials: "same-origin",
      });
      return { ok: response.ok, answer: await response.json() };
    } catch (error) {
      return { ok: false, answer: { message: data.failed } };
    }
  }

  function sendPost(info, acknowledge) {
    return post(data.move.replace("/0/", `/${info.event.id}/`), {
      due_at: info.event.startStr.slice(0, 19),
      revision: info.event.extendedProps.revision,
      acknowledge_warnings: acknowledge ? "on" : "",
    });
  }

  // A post's move goes through the reschedule service, an other communication's through its update
  // service; refused, the item snaps back with the reason.
  async function move(info) {
    const props = info.event.extendedProps;
    let ok, answer;
    if (props.kind === "other") {
      ({ ok, answer } = await post(props.move, {
        starts_at: info.event.startStr.slice(0, 19),
        revision: props.revision,
      }));
    } else {
      ({ ok, answer } = await sendPost(info, false));
      if (!ok && answer.warnings && window.confirm(`${answer.message}\n\n${data.acknowledge}`)) {
        ({ ok, answer } = await sendPost(info, true));
      }
    }
    if (!ok) info.revert();
    say(answer.message || data.failed, !ok);
    info.view.calendar.refetchEvents();
  }

  function focusPanel() {
    const heading = panel.querySelector("#calendar-panel-title");
    if (heading) heading.focus();
  }

  function openPanel(url, from) {
    opener = from;
    const address = `${url}${url.includes("?") ? "&" : "?"}next=${encodeURIComponent(data.back)}`;
    htmx.ajax("GET", address, { target: panel, swap: "innerHTML" }).then(() => {
      panel.hidden = false;
      calendar.updateSize(); // the grid is narrower beside the panel
      focusPanel();
    });
  }

  function closePanel() {
    panel.hidden = true;
    panel.replaceChildren();
    calendar.updateSize();
    if (opener && opener.isConnected) opener.focus();
  }

  panel.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-panel]")) closePanel();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePanel();
  });
  // After an action (unschedule, withdraw) the panel shows the outcome: the reader starts again at its top.
  panel.addEventListener("htmx:afterSwap", focusPanel);
  panel.addEventListener("htmx:responseError", () => say(data.refused, true));

  const calendar = new FullCalendar.Calendar(element, {
    locale: data.locale,
    timeZone: "UTC",
    now: data.now,
    nowIndicator: true,
    // A phone shows the week as a list; wider screens the month.
    initialView: window.matchMedia("(max-width: 600px)").matches ? "listWeek" : "dayGridMonth",
    headerToolbar: { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,timeGridDay,listWeek" },
    // The page scrolls, not the grid: every item of a busy day stays in view.
    height: "auto",
    events: data.events,
    eventDisplay: "block",
    eventDurationEditable: false,
    eventContent: content,
    eventDidMount: mounted,
    eventDrop: move,
    // The export links download what is shown: the filters (already in their address) and this window.
    datesSet(info) {
      document.querySelectorAll("a[data-export]").forEach((link) => {
        const url = new URL(link.href, window.location.href);
        url.searchParams.set("start", info.startStr.slice(0, 19));
        url.searchParams.set("end", info.endStr.slice(0, 19));
        link.href = url.pathname + url.search;
      });
    },
    // A post's link opens its panel here; an other communication's opens its page as any link does.
    eventClick(info) {
      if (!["post", "request"].includes(info.event.extendedProps.kind)) return;
      info.jsEvent.preventDefault();
      openPanel(info.event.url, info.el);
    },
  });
  document.body.addEventListener("calendar-changed", () => calendar.refetchEvents());
  calendar.render();
  // FullCalendar names its arrow buttons by their title; the arrows inside are drawings, not images to read.
  element.querySelectorAll(".fc-icon[role='img']").forEach((icon) => {
    icon.removeAttribute("role");
    icon.setAttribute("aria-hidden", "true");
  });
});
