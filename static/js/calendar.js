// The editorial calendar: FullCalendar fed by calendar_app.views.calendar, times in the
// municipality's wall-clock time (FullCalendar in UTC so that no browser shifts them).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("calendar");
  if (!element) return;
  const status = document.getElementById("calendar-status");
  const data = element.dataset;

  function say(message, failed) {
    status.textContent = message;
    status.hidden = false;
    status.classList.toggle("error", failed);
  }

  async function send(info, acknowledge) {
    const body = new URLSearchParams({
      due_at: info.event.startStr.slice(0, 19),
      revision: info.event.extendedProps.revision,
      acknowledge_warnings: acknowledge ? "on" : "",
    });
    try {
      const response = await fetch(data.move.replace("/0/", `/${info.event.id}/`), {
        method: "POST",
        headers: { "X-CSRFToken": data.csrf },
        body,
        credentials: "same-origin",
      });
      return { ok: response.ok, answer: await response.json() };
    } catch (error) {
      return { ok: false, answer: { message: data.failed } };
    }
  }

  // A move goes through the reschedule service; refused, the post snaps back with the reason.
  async function move(info) {
    let { ok, answer } = await send(info, false);
    if (!ok && answer.warnings && window.confirm(`${answer.message}\n\n${data.acknowledge}`)) {
      ({ ok, answer } = await send(info, true));
    }
    if (!ok) info.revert();
    say(answer.message || data.failed, !ok);
    info.view.calendar.refetchEvents();
  }

  const calendar = new FullCalendar.Calendar(element, {
    locale: data.locale,
    timeZone: "UTC",
    now: data.now,
    nowIndicator: true,
    // A phone shows the week as a list; wider screens the month.
    initialView: window.matchMedia("(max-width: 600px)").matches ? "listWeek" : "dayGridMonth",
    headerToolbar: { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,timeGridDay,listWeek" },
    events: data.events,
    eventDisplay: "block",
    eventDurationEditable: false,
    eventDrop: move,
  });
  calendar.render();
});
