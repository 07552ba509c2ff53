/**
 * Magento configurable products (specs/magento admin-schema-2.4.8): dropdown attributes with their options
 * (`GET /V1/products/attributes/{attributeCode}`, searched by `GET /V1/products/attributes`, an option added by
 * `POST /V1/products/attributes/{attributeCode}/options`, answering its id as text); a configurable product saved with
 * `extension_attributes.configurable_product_options` (an attribute, its label and the option values used) and
 * `configurable_product_links` (its simple children's ids), each child having one value of every option and no two
 * alike, as Magento refuses otherwise; `GET /V1/configurable-products/{sku}/children` and `/options/all`.
 */
import type { SandboxResponse } from '../framework/types';

export interface Attribute {
	attribute_id: number;
	attribute_code: string;
	default_frontend_label: string;
	frontend_input: string;
	is_global: string;
	/** Magento lists an empty option first on dropdowns. */
	options: Array<{ label: string; value: string }>;
}

export interface ConfigurableOption {
	id: number;
	attribute_id: string;
	label: string;
	position: number;
	values: Array<{ value_index: number }>;
	product_id: number;
}

export interface ConfigurableExtension {
	configurable_product_options?: ConfigurableOption[];
	configurable_product_links?: number[];
}

interface Linkable {
	id: number;
	sku: string;
	type_id: string;
	custom_attributes: Array<{ attribute_code: string; value: unknown }>;
	extension_attributes?: ConfigurableExtension;
}

const error = (status: number, message: string, parameters?: Record<string, unknown> | unknown[]): SandboxResponse => ({ status, body: parameters ? { message, parameters } : { message } });

/** The attributes a fresh Magento has that products vary by: `color` and `size` dropdowns, global. */
const SEEDED: Array<[number, string, string]> = [
	[93, 'color', 'Color'],
	[144, 'size', 'Size'],
];

export class ConfigurableCatalog {
	private attributes = new Map<string, Attribute>();
	private nextOption = 200;

	constructor() {
		this.reset();
	}

	reset(): void {
		this.attributes = new Map(SEEDED.map(([id, code, label]) => [code, { attribute_id: id, attribute_code: code, default_frontend_label: label, frontend_input: 'select', is_global: 'global', options: [{ label: ' ', value: '' }] }]));
		this.nextOption = 200;
	}

	attribute(code: string): SandboxResponse {
		const found = this.attributes.get(code);
		return found ? { status: 200, body: found } : error(404, 'The attribute with a "%1" attributeCode doesn\'t exist. Verify the attribute and try again.', [code]);
	}

	all(): Attribute[] {
		return [...this.attributes.values()];
	}

	/** `POST /V1/products/attributes/{code}/options` `{option: {label}}`: a label the attribute has is refused. */
	addOption(code: string, body: unknown): SandboxResponse {
		const found = this.attributes.get(code);
		if (!found) return this.attribute(code);
		const label = (body as { option?: { label?: unknown } } | undefined)?.option?.label;
		if (typeof label !== 'string' || label.trim() === '') return error(400, '"%fieldName" is required. Enter and try again.', { fieldName: 'label' });
		if (found.options.some((option) => option.label === label)) return error(400, 'Admin store attribute option label "%1" is already exists.', [label]);
		const value = String(this.nextOption++);
		found.options.push({ label, value });
		// Magento answers the new option id as a JSON string.
		return { status: 200, body: JSON.stringify(`id_${value}`), headers: { 'content-type': 'application/json' } };
	}

	/**
	 * The configurable parts of a product save, checked against the catalog: the options' attributes exist and their
	 * values are its options; each linked child is a simple product with one listed value of every option, no two alike.
	 * Answers the extension to keep, or Magento's error.
	 */
	checkSave(product: Linkable, incoming: ConfigurableExtension | undefined, byId: (id: number) => Linkable | undefined): { extension?: ConfigurableExtension } | { problem: SandboxResponse } {
		if (!incoming || (incoming.configurable_product_options === undefined && incoming.configurable_product_links === undefined)) return { extension: product.extension_attributes };
		if (product.type_id !== 'configurable') return { problem: error(400, 'The product type "%1" has no configurable options.', [product.type_id]) };
		const options = incoming.configurable_product_options ?? product.extension_attributes?.configurable_product_options ?? [];
		const links = incoming.configurable_product_links ?? product.extension_attributes?.configurable_product_links ?? [];
		const attributes: Attribute[] = [];
		for (const option of options) {
			const attribute = this.all().find((candidate) => String(candidate.attribute_id) === String(option.attribute_id));
			if (!attribute) return { problem: error(400, 'Provided attribute can not be used with configurable product.') };
			if (!Array.isArray(option.values) || option.values.length === 0 || option.values.some((value) => !attribute.options.some((known) => known.value !== '' && known.value === String(value.value_index)))) {
				return { problem: error(400, 'Option values are not specified.') };
			}
			attributes.push(attribute);
		}
		const seen = new Map<string, string>();
		for (const id of links) {
			const child = byId(Number(id));
			if (!child || child.type_id !== 'simple') return { problem: error(400, 'The product that was requested doesn\'t exist. Verify the product and try again.') };
			const values = attributes.map((attribute) => String(child.custom_attributes.find((entry) => entry.attribute_code === attribute.attribute_code)?.value ?? ''));
			if (values.some((value, index) => !options[index].values.some((listed) => String(listed.value_index) === value))) {
				return { problem: error(400, 'Product with assigned super attributes should not have empty fields') };
			}
			const key = values.join(',');
			if (seen.has(key)) return { problem: error(400, 'Products "%1" and "%2" have the same set of attribute values.', [seen.get(key), child.sku]) };
			seen.set(key, child.sku);
		}
		return {
			extension: {
				configurable_product_options: options.map((option, index) => ({ id: option.id ?? this.nextOption++, attribute_id: String(option.attribute_id), label: option.label ?? attributes[index].default_frontend_label, position: option.position ?? index, values: option.values.map((value) => ({ value_index: Number(value.value_index) })), product_id: product.id })),
				configurable_product_links: links.map(Number),
			},
		};
	}
}
