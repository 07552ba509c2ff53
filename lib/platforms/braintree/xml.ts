/**
 * Reads the XML Braintree's gateway answers with: dashed element names, `type="array|integer|boolean|collection"` and
 * `nil="true"`, which Braintree's own SDKs turn into typed values. Read into camelCase objects the same way, so a
 * connector speaks of `planId` and `paymentMethodToken` as the SDKs do. Requests go out as JSON with snake_case keys,
 * as Braintree's Node SDK sends them; nothing here writes XML.
 */

export type GatewayValue = string | number | boolean | null | GatewayValue[] | { [key: string]: GatewayValue };

export class GatewayXmlError extends Error {}

/** `<subscription>…</subscription>` → `{ subscription: {…} }`. */
export function readGatewayXml(text: string): Record<string, GatewayValue> {
	const reader = new Reader(text.replace(/^\s*<\?xml[^>]*\?>/, ''));
	const root = reader.element();
	return { [camelCase(root.name)]: root.value };
}

const camelCase = (name: string): string => name.replace(/[-_]([a-z0-9])/g, (_, next: string) => next.toUpperCase());

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
const decode = (text: string): string => text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ENTITIES[name]);

class Reader {
	private at = 0;

	constructor(private readonly text: string) {}

	element(): { name: string; value: GatewayValue } {
		this.skipSpace();
		const open = /^<([A-Za-z_][\w.-]*)((?:\s+[\w:-]+\s*=\s*"[^"]*")*)\s*(\/?)>/.exec(this.text.slice(this.at));
		if (!open) throw new GatewayXmlError(`expected an element at character ${this.at}`);
		this.at += open[0].length;
		const [, name, attributeText, selfClosing] = open;
		const attributes = Object.fromEntries([...attributeText.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)].map((match) => [match[1], match[2]]));
		const children: Array<{ name: string; value: GatewayValue }> = [];
		let text = '';
		if (!selfClosing) {
			for (;;) {
				this.skipSpace();
				const rest = this.text.slice(this.at);
				if (rest.startsWith('</')) break;
				if (rest.startsWith('<')) {
					children.push(this.element());
					continue;
				}
				const chunk = /^[^<]+/.exec(rest);
				if (!chunk) throw new GatewayXmlError(`<${name}> is not closed`);
				text += chunk[0];
				this.at += chunk[0].length;
			}
			const close = new RegExp(`^</${name}\\s*>`).exec(this.text.slice(this.at));
			if (!close) throw new GatewayXmlError(`expected </${name}> at character ${this.at}`);
			this.at += close[0].length;
		}
		return { name, value: typed(attributes, children, decode(text)) };
	}

	private skipSpace(): void {
		while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
	}
}

function typed(attributes: Record<string, string>, children: Array<{ name: string; value: GatewayValue }>, text: string): GatewayValue {
	if (attributes.nil === 'true') return null;
	if (attributes.type === 'array') return children.map((child) => child.value);
	if (children.length > 0) return Object.fromEntries(children.map((child) => [camelCase(child.name), child.value]));
	if (attributes.type === 'integer') return Number.parseInt(text, 10);
	if (attributes.type === 'boolean') return text.trim() === 'true';
	return text;
}
