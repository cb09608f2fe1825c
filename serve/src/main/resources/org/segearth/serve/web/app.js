// The SegEarth page: everything it needs is served by the same process (no CDN).
"use strict";

// the CLI overlay's palette (org.segearth.runtime.render.Overlay), cycled per target
const PALETTE = [[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
                 [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230]];
const colour = i => PALETTE[i % PALETTE.length];
const css = i => `rgb(${colour(i).join(",")})`;

const $ = id => document.getElementById(id);
const state = { file: null, fileName: null, image: null, preview: null, result: null, masks: [], visible: [], urls: [] };

/** COCO compressed RLE counts (pycocotools rleFrString) to a row-major 0/1 mask. */
function decodeRle(rle) {
  const [h, w] = rle.size, s = rle.counts, counts = [];
  for (let p = 0; p < s.length;) {
    let x = 0, k = 0, more = 1;
    while (more) {
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = c & 0x20; p++; k++;
      if (!more && (c & 0x10)) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  const mask = new Uint8Array(w * h);
  let i = 0, on = 0;
  for (const n of counts) {
    if (on) for (let j = i; j < i + n; j++) mask[(j % h) * w + Math.floor(j / h)] = 1;  // column-major
    i += n; on ^= 1;
  }
  return mask;
}

function setStatus(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

function updateSubmit() {
  $("submit").disabled = !state.file || !$("instruction").value.trim();
}

function chooseFile(blob, name) {
  state.file = blob; state.fileName = name;
  $("image-name").textContent = name;
  const url = URL.createObjectURL(blob);
  const img = new Image();
  img.onload = () => { state.image = img; state.result = null; clearResult(); draw(); };
  img.onerror = () => {
    // TIFF: browsers do not show it; the service reads it and sends it back as a PNG with the result
    state.image = null; state.result = null; clearResult(); draw();
    setStatus("this browser cannot show the image (TIFF?); the service will send it back with the result");
  };
  img.src = url;
  updateSubmit();
}

async function loadExamples() {
  const list = await (await fetch("examples.json")).json();
  for (const ex of list) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "example"; b.title = ex.title + ": " + ex.instruction;
    b.innerHTML = `<img alt="${ex.title}" src="${ex.file}">`;
    b.onclick = async () => {
      document.querySelectorAll("#examples button").forEach(x => x.classList.remove("chosen"));
      b.classList.add("chosen");
      const blob = await (await fetch(ex.file)).blob();
      $("instruction").value = ex.instruction;
      chooseFile(blob, ex.file.split("/").pop());
    };
    $("examples").appendChild(b);
  }
}

async function loadModel() {
  try {
    const r = await fetch("v1/model", { headers: authHeaders() });
    const m = await r.json();
    $("model-name").textContent = r.ok ? `model: ${m.model} (SDK ${m.sdk_version})` : m.error;
  } catch (e) {
    $("model-name").textContent = "the service does not answer";
  }
}

function authHeaders() {
  const key = $("api-key").value.trim();
  return key ? { "Authorization": "Bearer " + key } : {};
}

async function submit() {
  const form = new FormData();
  form.append("image", state.file, state.fileName);
  form.append("instruction", $("instruction").value);
  if ($("answer").value.trim()) form.append("answer", $("answer").value);
  form.append("heatmaps", "true");
  if (!state.image) form.append("preview", "true");
  $("submit").disabled = true;
  setStatus("segmenting...");
  const started = performance.now();
  try {
    const r = await fetch("v1/segment", { method: "POST", body: form, headers: authHeaders() });
    const body = await r.json();
    if (!r.ok) {
      const retry = r.headers.get("Retry-After");
      setStatus(`${r.status}: ${body.error}` + (retry ? ` (retry in ${retry} s)` : ""), true);
      return;
    }
    showResult(body);
    setStatus(`${body.targets.length} target${body.targets.length === 1 ? "" : "s"} in ${Math.round(performance.now() - started)} ms`);
  } catch (e) {
    setStatus("the request failed: " + e, true);
  } finally {
    updateSubmit();
  }
}

function clearResult() {
  state.urls.forEach(u => URL.revokeObjectURL(u));
  state.urls = []; state.masks = []; state.visible = []; state.preview = null;
  $("targets").innerHTML = ""; $("answer-line").innerHTML = ""; $("timings").textContent = "";
  $("download-masks").innerHTML = ""; $("downloads").hidden = true;
  $("download-geojson").hidden = true; $("download-geojson").removeAttribute("href");
}

function showResult(result) {
  clearResult();
  state.result = result;
  state.masks = result.targets.map(t => decodeRle(t.mask));
  state.visible = result.targets.map(() => true);
  renderAnswer(result);
  result.targets.forEach((t, i) => {
    const li = document.createElement("li");
    li.className = "target";
    li.innerHTML = `<input type="checkbox" class="toggle" checked aria-label="show target ${t.index}">
      <span class="swatch" style="background:${css(t.index)}"></span>
      <span class="phrase-name">${escapeHtml(t.phrase || "(no phrase)")}</span>
      <span class="stats muted">score ${t.score.toFixed(2)} · ${t.area} px${t.box ? " · box " + t.box.join(",") : ""}</span>`;
    li.querySelector(".toggle").onchange = e => { state.visible[i] = e.target.checked; draw(); };
    $("targets").appendChild(li);
    maskPngLink(t, state.masks[i], result.width, result.height);
  });
  if (result.preview) {
    const img = new Image();
    img.onload = () => { if (state.result === result) { state.preview = img; draw(); } };
    img.src = result.preview;
  }
  const json = new Blob([JSON.stringify(result, (k, v) => k === "preview" ? undefined : v, 2)], { type: "application/json" });
  const url = URL.createObjectURL(json);
  state.urls.push(url);
  $("download-json").href = url;
  if (result.geojson) {
    // a GeoTIFF: the targets' polygons in longitude/latitude (RFC 7946)
    const geo = new Blob([JSON.stringify(result.geojson)], { type: "application/geo+json" });
    const geoUrl = URL.createObjectURL(geo);
    state.urls.push(geoUrl);
    $("download-geojson").href = geoUrl;
    $("download-geojson").hidden = false;
  }
  $("downloads").hidden = false;
  $("timings").textContent = "timings: " + Object.entries(result.timings).map(([k, v]) => `${k.replace(/_ms$/, "")} ${Math.round(v)} ms`).join(", ");
  draw();
}

/** The answer with each [SEG] as a numbered chip and each target's phrase underlined, in its colour. */
function renderAnswer(result) {
  const line = $("answer-line");
  const parts = result.answer.split("[SEG]");
  let html = "";
  parts.forEach((part, i) => {
    let text = escapeHtml(part);
    // the phrase of the target after this [SEG] (i - 1), else of the one before it (i)
    for (const j of [i - 1, i]) {
      const t = result.targets[j];
      if (t && t.phrase && part.includes(t.phrase)) {
        text = text.replace(escapeHtml(t.phrase), `<span class="phrase" style="border-color:${css(t.index)}">${escapeHtml(t.phrase)}</span>`);
        break;
      }
    }
    html += text;
    if (i < parts.length - 1) {
      const t = result.targets[i];
      html += `<span class="seg" style="background:${t ? css(t.index) : "#555"}">${t ? t.index : "?"}</span>`;
    }
  });
  line.innerHTML = `<span class="muted">answer:</span> ` + html;
}

function maskPngLink(t, mask, w, h) {
  const c = document.createElement("canvas");
  c.width = w; c.height = h;
  const ctx = c.getContext("2d");
  const img = ctx.createImageData(w, h);
  for (let p = 0; p < mask.length; p++) {
    const v = mask[p] ? 255 : 0;
    img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v;
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  const a = document.createElement("a");
  a.className = "mask-png"; a.download = `mask-${t.index}.png`; a.textContent = `mask-${t.index}.png`;
  $("download-masks").appendChild(a);
  c.toBlob(b => { const u = URL.createObjectURL(b); state.urls.push(u); a.href = u; a.dataset.ready = "true"; }, "image/png");
}

function draw() {
  const canvas = $("view"), img = state.image || state.preview;
  if (!img && !state.result) { canvas.width = canvas.height = 1; return; }
  const w = state.result ? state.result.width : img.naturalWidth;
  const h = state.result ? state.result.height : img.naturalHeight;
  canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext("2d");
  // what lies under the masks: the upload, the service's preview of it, or grey
  canvas.dataset.background = state.image ? "upload" : img ? "preview" : "grey";
  if (img) {
    ctx.drawImage(img, 0, 0, w, h);
  } else {
    ctx.fillStyle = "#808080";
    ctx.fillRect(0, 0, w, h);
  }
  if (!state.result) return;
  const alpha = $("opacity").value / 100;
  const frame = ctx.getImageData(0, 0, w, h), d = frame.data;
  state.result.targets.forEach((t, i) => {
    if (!state.visible[i]) return;
    const [r, g, b] = colour(t.index), m = state.masks[i];
    for (let p = 0; p < m.length; p++) {
      if (!m[p]) continue;
      d[4 * p] = (1 - alpha) * d[4 * p] + alpha * r;
      d[4 * p + 1] = (1 - alpha) * d[4 * p + 1] + alpha * g;
      d[4 * p + 2] = (1 - alpha) * d[4 * p + 2] + alpha * b;
    }
  });
  ctx.putImageData(frame, 0, 0);
  if ($("heatmaps").checked) drawHeatmaps(ctx, w, h);
}

/** Each visible target's [SEG] -> image attention, stretched smoothly over the image in its colour. */
function drawHeatmaps(ctx, w, h) {
  state.result.targets.forEach((t, i) => {
    if (!state.visible[i] || !t.heatmap) return;
    const hm = t.heatmap, small = document.createElement("canvas");
    small.width = hm.width; small.height = hm.height;
    const sctx = small.getContext("2d"), img = sctx.createImageData(hm.width, hm.height);
    const [r, g, b] = colour(t.index);
    hm.values.forEach((v, p) => {
      img.data[4 * p] = r; img.data[4 * p + 1] = g; img.data[4 * p + 2] = b;
      img.data[4 * p + 3] = Math.round(220 * v);
    });
    sctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, w, h);
  });
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]));
}

function setUpDrop() {
  const drop = $("drop");
  ["dragenter", "dragover"].forEach(e => drop.addEventListener(e, ev => { ev.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach(e => drop.addEventListener(e, ev => { ev.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", ev => {
    const f = ev.dataTransfer.files[0];
    if (f) chooseFile(f, f.name);
  });
  $("file").addEventListener("change", ev => {
    const f = ev.target.files[0];
    if (f) chooseFile(f, f.name);
  });
}

$("instruction").addEventListener("input", updateSubmit);
$("submit").addEventListener("click", submit);
$("opacity").addEventListener("input", draw);
$("heatmaps").addEventListener("change", draw);
$("api-key").addEventListener("change", loadModel);
setUpDrop();
loadExamples();
loadModel();
