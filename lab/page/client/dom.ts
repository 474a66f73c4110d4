/**
 * DOM helpers shared by the page scripts (bundled into each page by lab/page/build-pages.mjs). `el` sets
 * text with textContent and attributes with setAttribute, never innerHTML; `safeHref` lets only http(s)
 * links and relative paths become hrefs, so a `javascript:` link in a report stays text.
 */
export type Attrs = Record<string, unknown> | null | undefined;
export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, children?: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAll(node, attrs);
  append(node, children);
  return node;
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs, children?: Child[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAll(node, attrs);
  append(node, children);
  return node;
}

/** `text` becomes textContent, `className` the class, `on<event>` a listener; false, null and undefined are left out. */
function setAll(node: Element, attrs: Attrs): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'className') node.setAttribute('class', String(v));
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v as EventListener);
    else node.setAttribute(k, String(v));
  }
}

function append(node: Node, children: Child[] = []): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

export function safeHref(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  if (/^https?:\/\//i.test(url)) return url;
  if (/^[A-Za-z0-9_.\-/%#=]+$/.test(url) && !url.includes('//')) return url;
  return null;
}

export function link(url: unknown, text?: string): HTMLElement {
  const href = safeHref(url);
  return href ? el('a', { href, text: text || href, rel: 'noreferrer noopener' }) : el('span', { text: text || String(url) });
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  if (n >= 60000) return `${(n / 60000).toFixed(1)} min`;
  if (n >= 10000) return `${(n / 1000).toFixed(1)} s`;
  return `${Math.round(n)} ms`;
}

/** The page's data: the non-executed JSON element the writer filled. */
export function pageData<T>(): T {
  return JSON.parse(byId('lab-data').textContent ?? 'null') as T;
}

/** All elements matching a selector, as an array. */
export function all(selector: string): Element[] {
  return Array.from(document.querySelectorAll(selector));
}
