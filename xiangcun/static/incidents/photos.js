// Photos are shrunk on the phone before upload (at most 1600 px, JPEG) to spare a weak network. A file the
// browser cannot decode is sent as it is: the server says plainly what is wrong with it.
export const MAX_SIDE = 1600;

export async function downscale(file) {
  if (!file.type.startsWith("image/") || !window.createImageBitmap) return file;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.type === "image/jpeg" && file.size < 1024 * 1024) {
      bitmap.close();
      return file;
    }
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    if (!blob) return file;
    const name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
    return new File([blob], name, { type: "image/jpeg" });
  } catch (error) {
    return file;
  }
}

export const downscaleAll = (files) => Promise.all(Array.from(files).map(downscale));

// A form marked data-downscale sends shrunk photos: its file inputs are replaced in a FormData, the form is
// posted with fetch, and the browser follows to the page the server answers with (or shows its message).
export function enhance(form) {
  form.addEventListener("submit", async (event) => {
    const inputs = Array.from(form.querySelectorAll("input[type=file]")).filter((i) => i.files.length);
    if (!inputs.length || !window.fetch) return; // nothing to shrink: the plain form does it
    event.preventDefault();
    const body = new FormData(form);
    if (event.submitter && event.submitter.name) body.set(event.submitter.name, event.submitter.value);
    for (const input of inputs) {
      body.delete(input.name);
      (await downscaleAll(input.files)).forEach((blob) => body.append(input.name, blob, blob.name));
    }
    try {
      const response = await fetch(form.getAttribute("action") || location.href, { method: "POST", body, credentials: "same-origin" });
      if (response.redirected) { location.assign(response.url); return; }
      document.open();
      document.write(await response.text());
      document.close();
    } catch (error) {
      form.submit(); // the network failed under fetch: let the browser try the plain way
    }
  });
}

document.querySelectorAll("form[data-downscale]").forEach(enhance);
