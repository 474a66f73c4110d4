/**
 * DOM helpers shared by the page scripts (plain ES2020, inlined into each page). `el` sets text with
 * textContent and attributes with setAttribute, never innerHTML; `safeHref` lets only http(s) links and
 * relative paths become hrefs, so a `javascript:` link in a report stays text.
 */
export const CLIENT_DOM = String.raw`
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAll(node, attrs);
    append(node, children);
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setAll(node, attrs);
    append(node, children);
    return node;
  }
  function setAll(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'className') node.setAttribute('class', v);
      else if (k.indexOf('on') === 0 && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    });
  }
  function append(node, children) {
    (children || []).forEach(function (c) {
      if (c === undefined || c === null || c === false) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function safeHref(url) {
    if (typeof url !== 'string') return null;
    if (/^https?:\/\//i.test(url)) return url;
    if (/^[A-Za-z0-9_.\-\/%#=]+$/.test(url) && url.indexOf('//') < 0) return url;
    return null;
  }
  function link(url, text) {
    var href = safeHref(url);
    return href ? el('a', { href: href, text: text || url, rel: 'noreferrer noopener' }) : el('span', { text: text || String(url) });
  }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function ms(n) {
    if (n === null || n === undefined) return '';
    if (n >= 60000) return (n / 60000).toFixed(1) + ' min';
    if (n >= 10000) return (n / 1000).toFixed(1) + ' s';
    return Math.round(n) + ' ms';
  }
`;
