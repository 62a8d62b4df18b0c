// The message's HTML as the sandboxed frame gets it, and what that holds.

/** The document for the frame, with what it holds counted (for the rendered report). */
export interface FrameContent {
  html: string;
  scripts: number;
  images: number;
  remoteImages: number;
}

const handlerOrScript = (name: string, value: string): boolean => /^on/i.test(name) || /^\s*javascript:/i.test(value);

function counted(doc: Document): Omit<FrameContent, 'html'> {
  const elements = [...doc.querySelectorAll('*')];
  const images = [...doc.querySelectorAll('img')].map((img) => img.getAttribute('src') ?? '');
  return {
    scripts:
      doc.querySelectorAll('script').length + elements.filter((node) => [...node.attributes].some(({ name, value }) => handlerOrScript(name, value))).length,
    images: images.filter((src) => src.startsWith('data:')).length,
    remoteImages: images.filter((src) => src !== '' && !src.startsWith('data:')).length,
  };
}

/**
 * The message's HTML for a frame with sandbox="" (no scripts, no same origin, no forms, no popups), which also
 * inherits the page's CSP (scripts by nonce only, images from data: URLs only). Scripts, event handlers, <base> and
 * <meta http-equiv> (refresh) are taken out besides, as a mail client does; links open nowhere instead of in the frame
 * (a blank target the sandbox refuses); the light colour scheme, with its system colours, is what mail is written for.
 * Parsed with DOMParser: an inert document, which runs and loads nothing.
 */
export function frameContent(html: string): FrameContent {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const node of doc.querySelectorAll('script, base, meta[http-equiv]')) node.remove();
  for (const node of doc.querySelectorAll('*'))
    for (const { name, value } of [...node.attributes]) if (handlerOrScript(name, value)) node.removeAttribute(name);
  const scheme = doc.createElement('meta');
  scheme.name = 'color-scheme';
  scheme.content = 'light';
  const base = doc.createElement('base');
  base.target = '_blank';
  // First in <head>: the message's own styles come after it and win.
  const canvas = doc.createElement('style');
  canvas.textContent = 'html { background: Canvas; color: CanvasText; }';
  doc.head.prepend(scheme, base, canvas);
  const framed = `<!doctype html>\n${doc.documentElement.outerHTML}`;
  // Counted in the document as the frame parses it, not as built here.
  return { html: framed, ...counted(new DOMParser().parseFromString(framed, 'text/html')) };
}
