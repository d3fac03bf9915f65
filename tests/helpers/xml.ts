/** An element of a parsed XML document. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/**
 * A strict little XML parser for test assertions: elements, attributes, text and the five
 * predefined entities. Throws on anything not well-formed (unclosed or mismatched tags,
 * a bare `&`, text outside the root).
 */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const decode = (raw: string) =>
    raw.replace(/&([a-z]+);|&/g, (match, name: string | undefined) => {
      if (!name || !(name in ENTITIES)) throw new Error(`bad entity at ${i}: ${match}`);
      return ENTITIES[name];
    });
  if (source.startsWith('<?xml')) i = source.indexOf('?>') + 2;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const textPart = source.slice(i, lt === -1 ? source.length : lt);
    if (stack.length > 0) stack[stack.length - 1].text += decode(textPart);
    else if (textPart.trim() !== '') throw new Error('text outside the root element');
    if (lt === -1) break;
    const gt = source.indexOf('>', lt);
    if (gt === -1) throw new Error('unclosed tag');
    const tag = source.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) throw new Error(`mismatched </${tag.slice(1)}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = body.split(/\s/)[0];
    const attributes: Record<string, string> = {};
    for (const match of body.slice(name.length).matchAll(/([\w:.-]+)="([^"]*)"/g)) attributes[match[1]] = decode(match[2]);
    const element: XmlElement = { name, attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root) throw new Error('two root elements');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0 || !root) throw new Error('document not closed');
  return root;
}

/** The first child with a name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
