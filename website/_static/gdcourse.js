// The course website's one script (website/README.md): a figure that the page shows
// smaller than it is becomes a link to the picture at full size.
(function () {
  function zoomable(img) {
    if (img.closest("a") || img.naturalWidth <= img.clientWidth + 2) return;
    const link = document.createElement("a");
    link.href = img.currentSrc || img.src;
    link.target = "_blank";
    link.title = /^zh/i.test(document.documentElement.lang) ? "查看原尺寸的图"
        : "Open the figure at full size";
    img.classList.add("gdcourse-zoomable");
    img.replaceWith(link);
    link.appendChild(img);
  }
  function setUp() {
    document.querySelectorAll(".cell_output img").forEach(function (img) {
      if (img.complete) zoomable(img);
      else img.addEventListener("load", function () { zoomable(img); }, { once: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
