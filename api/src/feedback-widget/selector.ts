/**
 * Where a comment points: a CSS selector for the element clicked that survives small changes to the page,
 * and the point inside it. The selector starts from the nearest element (the clicked one or an ancestor)
 * that names itself: a stable-looking unique id, else a unique test attribute (data-testid, data-test,
 * data-cy, data-qa) or data-source; below it, one `tag:nth-of-type(n)` step per level (`body` when nothing
 * names itself). The point is a fraction (0-1) of the element's box, so it stays on the element when its
 * size changes with the viewport or a later deployment.
 */

const NAMING_ATTRIBUTES = ['data-testid', 'data-test-id', 'data-test', 'data-cy', 'data-qa', 'data-source'];
/** Generated ids change from build to build or render to render: React's `:r1:`, long numbers, framework prefixes. */
const GENERATED_ID = /[:]|\d{4,}|^(ember|react|radix-|headlessui-|mui-|rc-|__)/i;

function isUnique(selector: string, element: Element): boolean {
  try {
    const found = document.querySelectorAll(selector);
    return found.length === 1 && found[0] === element;
  } catch {
    return false;
  }
}

/** A selector that finds this element alone by its own name, if it has one. */
function nameOf(element: Element): string | undefined {
  const id = element.getAttribute('id');
  if (id && id.length <= 80 && !GENERATED_ID.test(id)) {
    const byId = `#${CSS.escape(id)}`;
    if (isUnique(byId, element)) return byId;
  }
  for (const attribute of NAMING_ATTRIBUTES) {
    const value = element.getAttribute(attribute);
    if (!value || value.length > 200) continue;
    const byAttribute = `[${attribute}="${CSS.escape(value)}"]`;
    if (isUnique(byAttribute, element)) return byAttribute;
    const withTag = `${CSS.escape(element.localName)}${byAttribute}`;
    if (isUnique(withTag, element)) return withTag;
  }
  return undefined;
}

function step(element: Element): string {
  const tag = CSS.escape(element.localName);
  const parent = element.parentElement;
  if (!parent) return tag;
  let index = 0;
  let count = 0;
  for (const sibling of parent.children) {
    if (sibling.localName !== element.localName) continue;
    count++;
    if (sibling === element) index = count;
  }
  return count > 1 ? `${tag}:nth-of-type(${index})` : tag;
}

export function selectorFor(element: Element): string {
  const steps: string[] = [];
  for (let current: Element | null = element; current !== null; current = current.parentElement) {
    const name = nameOf(current);
    if (name !== undefined) {
      steps.unshift(name);
      break;
    }
    if (current === document.body || current === document.documentElement) {
      steps.unshift(current.localName);
      break;
    }
    steps.unshift(step(current));
  }
  return steps.join(' > ');
}

/** The point (client coordinates) as fractions of the element's box, rounded to 4 places. */
export function pointIn(element: Element, clientX: number, clientY: number): { x: number; y: number } {
  const box = element.getBoundingClientRect();
  const fraction = (offset: number, size: number): number => (size <= 0 ? 0.5 : Math.round(Math.min(1, Math.max(0, offset / size)) * 10_000) / 10_000);
  return { x: fraction(clientX - box.left, box.width), y: fraction(clientY - box.top, box.height) };
}

/** Where a stored pin is now, in client coordinates; undefined when its element is gone or hidden. */
export function locate(selector: string, x: number, y: number): { left: number; top: number } | undefined {
  let element: Element | null = null;
  try {
    element = document.querySelector(selector);
  } catch {
    return undefined;
  }
  if (!element) return undefined;
  const box = element.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) return undefined;
  return { left: box.left + box.width * x, top: box.top + box.height * y };
}
