// The composer: shows the adjustments of the chosen channels only, and a chosen image before it is sent
// (its rights fields then count in the live Charte check, which sends no file).
(function () {
  "use strict";
  var form = document.getElementById("composer-form");
  if (!form) return;

  function syncChannels() {
    var boxes = form.querySelectorAll('input[name="channels"]');
    boxes.forEach(function (box) {
      var adjust = form.querySelector('.channel-adjust[data-channel="' + box.value + '"]');
      if (adjust) adjust.hidden = !box.checked;
    });
  }

  function showImage(row, input) {
    var thumb = row.querySelector("[data-thumb]");
    var chosen = row.querySelector("[data-chosen]");
    var file = input.files && input.files[0];
    chosen.value = file ? "1" : "";
    if (thumb.src) URL.revokeObjectURL(thumb.src);
    if (file && file.type.indexOf("image/") === 0) {
      thumb.src = URL.createObjectURL(file);
      thumb.hidden = false;
    } else {
      thumb.removeAttribute("src");
      thumb.hidden = true;
    }
  }

  // The previews show a chosen image in each network's crop: the server numbers the chosen images in order
  // (its "slot"), the page has their files.
  function fillPreviewImages(root) {
    var chosen = [];
    form.querySelectorAll("[data-image-row]").forEach(function (row) {
      var thumb = row.querySelector("[data-thumb]");
      if (row.querySelector("[data-chosen]").value === "1" && thumb.src) chosen.push(thumb.src);
    });
    // An uncropped image is an <img>; a cropped one an SVG <image> whose viewBox is the crop.
    root.querySelectorAll("[data-image-slot]").forEach(function (img) {
      var src = chosen[Number(img.dataset.imageSlot)];
      if (!src) return;
      if (img.tagName.toLowerCase() === "img") img.src = src;
      else img.setAttribute("href", src);
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "channels") syncChannels();
    if (event.target.type === "file") {
      var row = event.target.closest("[data-image-row]");
      if (row) showImage(row, event.target);
    }
    // A contest's rules chosen as a document: the live check, which sends no file, is told so.
    if (event.target.name === "contest_rules_document") {
      var flag = form.querySelector('input[name="contest_rules_chosen"]');
      if (flag) flag.value = event.target.files && event.target.files.length ? "on" : "";
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    fillPreviewImages(event.detail.target);
  });
  syncChannels();
})();
