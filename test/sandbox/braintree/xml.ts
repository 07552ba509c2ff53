/**
 * Braintree's XML dialect, both ways. Answers: dashed element names, `type="integer|boolean|datetime|array|symbol|
 * collection"` and `nil="true"`, which Braintree's SDKs read back into typed values. Requests: Braintree's SDKs send
 * either XML (Ruby, Python, PHP, Java, .NET) or JSON with snake_case keys (Node); both decode to camelCase objects.
 */

export type XmlValue = string | number | boolean | null | undefined | XmlTyped | XmlList | XmlCollection | XmlObject | XmlValue[];
export interface XmlObject {
	[key: string]: XmlValue;
}

/** A leaf with a `type` attribute (datetime, symbol). */
export class XmlTyped {
	constructor(readonly type: string, readonly text: string) {}
}

/** `<name type="array"><item>…</item>…</name>`. */
export class XmlList {
	constructor(readonly itemName: string, readonly items: XmlValue[]) {}
}

/** `<name type="collection">`: a search page, whose repeated children the SDK reads as one list. */
export class XmlCollection {
	constructor(readonly fields: XmlObject, readonly itemName: string, readonly items: XmlValue[]) {}
}

/** Braintree's timestamps: UTC to the second. */
export const datetime = (iso: string): XmlTyped => new XmlTyped('datetime', iso.replace(/\.\d+Z$/, 'Z'));
export const symbol = (name: string): XmlTyped => new XmlTyped('symbol', name);
export const list = (itemName: string, items: XmlValue[]): XmlList => new XmlList(itemName, items);

/** A whole answer: the XML declaration and one root element. */
export function xmlDocument(rootName: string, value: XmlValue): string {
	return `<?xml version="1.0" encoding="UTF-8"?>\n${element(rootName, value)}\n`;
}

export function element(name: string, value: XmlValue): string {
	const tag = dashed(name);
	if (value === null || value === undefined) return `<${tag} nil="true"/>`;
	if (typeof value === 'string') return `<${tag}>${escape(value)}</${tag}>`;
	if (typeof value === 'number') return `<${tag} type="integer">${value}</${tag}>`;
	if (typeof value === 'boolean') return `<${tag} type="boolean">${value}</${tag}>`;
	if (value instanceof XmlTyped) return `<${tag} type="${value.type}">${escape(value.text)}</${tag}>`;
	if (value instanceof XmlList) return `<${tag} type="array">${value.items.map((item) => element(value.itemName, item)).join('')}</${tag}>`;
	if (value instanceof XmlCollection) {
		return `<${tag} type="collection">${children(value.fields)}${value.items.map((item) => element(value.itemName, item)).join('')}</${tag}>`;
	}
	if (Array.isArray(value)) return `<${tag} type="array">${value.map((item) => element('item', item)).join('')}</${tag}>`;
	return `<${tag}>${children(value)}</${tag}>`;
}

function children(object: XmlObject): string {
	return Object.entries(object)
		.filter(([, child]) => child !== undefined)
		.map(([key, child]) => element(key, child))
		.join('');
}

const dashed = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
export const camelCase = (name: string): string => name.replace(/[-_]([a-z0-9])/g, (_, next: string) => next.toUpperCase());

function escape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export class XmlParseError extends Error {}

/** A request body in Braintree's dialect → `{ root: value }` with camelCase keys, typed leaves and arrays. */
export function parseXml(text: string): Record<string, unknown> {
	const parser = new XmlReader(text.replace(/^\s*<\?xml[^>]*\?>/, ''));
	const root = parser.element();
	parser.end();
	return { [camelCase(root.name)]: root.value };
}

class XmlReader {
	private position = 0;

	constructor(private readonly text: string) {}

	element(): { name: string; value: unknown } {
		this.skipSpace();
		const open = /^<([A-Za-z_][\w.-]*)((?:\s+[\w:-]+\s*=\s*"[^"]*")*)\s*(\/?)>/.exec(this.text.slice(this.position));
		if (!open) throw new XmlParseError(`expected an element at character ${this.position}`);
		this.position += open[0].length;
		const [, name, attributeText, selfClosing] = open;
		const attributes = Object.fromEntries([...attributeText.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)].map((match) => [match[1], unescape(match[2])]));
		if (attributes.nil === 'true') {
			if (!selfClosing) this.close(name, true);
			return { name, value: null };
		}
		if (selfClosing) return { name, value: attributes.type === 'array' ? [] : '' };
		const kids: Array<{ name: string; value: unknown }> = [];
		let text = '';
		for (;;) {
			const rest = this.text.slice(this.position);
			if (rest.startsWith('</')) break;
			if (rest.startsWith('<')) kids.push(this.element());
			else {
				const chunk = /^[^<]+/.exec(rest);
				if (!chunk) throw new XmlParseError(`unterminated element <${name}>`);
				text += chunk[0];
				this.position += chunk[0].length;
			}
		}
		this.close(name, false);
		return { name, value: typedValue(attributes.type, kids, unescape(text)) };
	}

	end(): void {
		this.skipSpace();
		if (this.position < this.text.length) throw new XmlParseError('content after the root element');
	}

	private close(name: string, skipContent: boolean): void {
		if (skipContent) {
			const closing = this.text.indexOf(`</${name}>`, this.position);
			if (closing < 0) throw new XmlParseError(`unterminated element <${name}>`);
			this.position = closing;
		}
		const expected = new RegExp(`^</${name}\\s*>`);
		const match = expected.exec(this.text.slice(this.position));
		if (!match) throw new XmlParseError(`expected </${name}> at character ${this.position}`);
		this.position += match[0].length;
	}

	private skipSpace(): void {
		while (this.position < this.text.length && /\s/.test(this.text[this.position])) this.position++;
	}
}

function typedValue(type: string | undefined, kids: Array<{ name: string; value: unknown }>, text: string): unknown {
	if (type === 'array') return kids.map((kid) => kid.value);
	if (kids.length > 0) return Object.fromEntries(kids.map((kid) => [camelCase(kid.name), kid.value]));
	if (type === 'boolean') return text.trim() === 'true';
	if (type === 'integer') return Number.parseInt(text.trim(), 10);
	return text;
}

function unescape(text: string): string {
	return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** A JSON body from Braintree's Node SDK (snake_case keys) in the same camelCase shape as a parsed XML body. */
export function camelKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(camelKeys);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value).map(([key, child]) => [camelCase(key), camelKeys(child)]));
}
