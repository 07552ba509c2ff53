/**
 * BigCommerce catalog options and variants (specs/bigcommerce docs-products_catalog.v3 and
 * docs-product-variants_catalog.v3): a product created with a `variants` array gets its options and values from the
 * variants' `option_values` ({option_display_name, label}), in the order they first appear; options and their values
 * are edited under `/catalog/products/{id}/options` (deleting an option or a value deletes the variants that use it);
 * variants are created one a call under `/catalog/products/{id}/variants` ({option_id, id} of one value of every
 * option, no two alike) and updated up to 50 a call by `PUT /catalog/variants`. A SKU is unique across products and
 * variants (409). `include=variants,options` adds them to a product read; a product without options has its base
 * variant. Every change moves the product's `date_modified`.
 */
import type { SandboxResponse } from '../framework/types';

export interface OptionValue {
	id: number;
	label: string;
	sort_order: number;
	is_default: boolean;
	value_data: null;
}

export interface CatalogOption {
	id: number;
	product_id: number;
	display_name: string;
	type: string;
	sort_order: number;
	option_values: OptionValue[];
}

export interface CatalogVariant {
	id: number;
	product_id: number;
	sku: string;
	price: number | null;
	retail_price: number | null;
	sale_price: number | null;
	weight: number | null;
	option_values: Array<{ id: number; option_id: number; label: string; option_display_name: string }>;
}

/** What the variants need of the sandbox's catalog. */
export interface VariantCatalog {
	/** The product, or undefined. */
	product(id: number): { id: number; sku: string; price: number; retail_price: number; sale_price: number; weight: number } | undefined;
	/** True when a product other than `productId` has this SKU. */
	productSkuTaken(sku: string, productId: number): boolean;
	touch(productId: number): void;
	nextId(): number;
	problem(status: number, title: string, errors?: Record<string, string>): SandboxResponse;
}

const VARIANT_NUMBERS = ['price', 'retail_price', 'sale_price', 'weight'] as const;
/** `PUT /catalog/variants`: "Currently the limit is 50 variants". */
export const VARIANT_BATCH_LIMIT = 50;

export class CatalogVariants {
	private options = new Map<number, CatalogOption[]>();
	private variants = new Map<number, CatalogVariant[]>();

	constructor(private readonly catalog: VariantCatalog) {}

	reset(): void {
		this.options.clear();
		this.variants.clear();
	}

	skuTaken(sku: string, exceptVariant?: number): boolean {
		return [...this.variants.values()].some((list) => list.some((variant) => variant.sku === sku && variant.id !== exceptVariant));
	}

	/** The product's options, by sort order. */
	optionsOf(productId: number): CatalogOption[] {
		return [...(this.options.get(productId) ?? [])].sort((a, b) => a.sort_order - b.sort_order);
	}

	/** The product's variants; a product without options has one, its base variant. */
	variantsOf(productId: number): CatalogVariant[] {
		const own = this.variants.get(productId) ?? [];
		if (own.length > 0 || this.optionsOf(productId).length > 0) return own;
		const product = this.catalog.product(productId);
		if (!product) return [];
		return [{ id: 1_000_000 + product.id, product_id: product.id, sku: product.sku, price: product.price, retail_price: product.retail_price, sale_price: product.sale_price, weight: product.weight, option_values: [] }];
	}

	/**
	 * The product's answer with what `include` asks for (`variants`, `options`); `base_variant_id` is its base variant's
	 * id, null for a product with options ("null for complex products").
	 */
	included(product: { id: number }, include: string | null): Record<string, unknown> {
		const asked = new Set((include ?? '').split(',').map((entry) => entry.trim()));
		const simple = this.optionsOf(product.id).length === 0 && (this.variants.get(product.id) ?? []).length === 0;
		return { ...product, base_variant_id: simple ? 1_000_000 + product.id : null, ...(asked.has('variants') ? { variants: this.variantsOf(product.id) } : {}), ...(asked.has('options') ? { options: this.optionsOf(product.id) } : {}) };
	}

	/** The `variants` of a product create checked, or the problem refusing the product; `commit` then stores them. */
	checkCreate(productId: number, productSku: string, body: unknown): { problem: SandboxResponse } | { commit: () => void } {
		if (body === undefined) return { commit: () => undefined };
		if (!Array.isArray(body)) return { problem: this.catalog.problem(422, 'JSON data is missing or invalid', { variants: 'must be an array' }) };
		const options: CatalogOption[] = [];
		const variants: CatalogVariant[] = [];
		const skus = new Set<string>([productSku].filter(Boolean));
		for (const [index, entry] of (body as Array<Record<string, unknown>>).entries()) {
			const sku = entry?.sku;
			if (typeof sku !== 'string' || sku === '') return { problem: this.catalog.problem(422, 'JSON data is missing or invalid', { [`variants.${index}.sku`]: 'sku is required' }) };
			if (skus.has(sku) || this.skuTaken(sku) || this.catalog.productSkuTaken(sku, productId)) return { problem: this.catalog.problem(409, 'The product variant sku is a duplicate', { [`variants.${index}.sku`]: `sku "${sku}" is already in use` }) };
			skus.add(sku);
			const chosen = entry.option_values;
			if (!Array.isArray(chosen) || chosen.length === 0) return { problem: this.catalog.problem(422, 'JSON data is missing or invalid', { [`variants.${index}.option_values`]: 'option_values are required' }) };
			const values: CatalogVariant['option_values'] = [];
			for (const [place, value] of (chosen as Array<{ option_display_name?: unknown; label?: unknown }>).entries()) {
				if (typeof value?.option_display_name !== 'string' || value.option_display_name === '' || typeof value.label !== 'string' || value.label === '') {
					return { problem: this.catalog.problem(422, 'JSON data is missing or invalid', { [`variants.${index}.option_values.${place}`]: 'option_display_name and label are required' }) };
				}
				let option = options.find((candidate) => candidate.display_name === value.option_display_name);
				if (!option) {
					option = { id: this.catalog.nextId(), product_id: productId, display_name: value.option_display_name, type: 'rectangles', sort_order: options.length, option_values: [] };
					options.push(option);
				}
				let optionValue = option.option_values.find((candidate) => candidate.label === value.label);
				if (!optionValue) {
					optionValue = { id: this.catalog.nextId(), label: value.label, sort_order: option.option_values.length, is_default: false, value_data: null };
					option.option_values.push(optionValue);
				}
				values.push({ id: optionValue.id, option_id: option.id, label: optionValue.label, option_display_name: option.display_name });
			}
			const numbers = this.numbers(entry, `variants.${index}`);
			if ('problem' in numbers) return numbers;
			variants.push({ id: this.catalog.nextId(), product_id: productId, sku, price: null, retail_price: null, sale_price: null, weight: null, ...numbers.values, option_values: values });
		}
		const refused = this.completeAndDistinct(options, variants, 'variants');
		if (refused) return { problem: refused };
		return {
			commit: () => {
				this.options.set(productId, options);
				this.variants.set(productId, variants);
			},
		};
	}

	/** `POST /catalog/products/{id}/options`: `{display_name, type, sort_order?, option_values: [{label, sort_order?}]}`. */
	createOption(productId: number, body: Record<string, unknown>): SandboxResponse {
		if (!this.catalog.product(productId)) return this.catalog.problem(404, 'The requested product was not found');
		const list = this.options.get(productId) ?? [];
		if (typeof body.display_name !== 'string' || body.display_name === '') return this.catalog.problem(422, 'JSON data is missing or invalid', { display_name: 'display_name is required' });
		if (list.some((option) => option.display_name === body.display_name)) return this.catalog.problem(409, 'The option display_name is a duplicate', { display_name: `"${body.display_name}" is already an option of this product` });
		const values = this.valuesOf(body.option_values, []);
		if ('problem' in values) return values.problem;
		if (values.values.length === 0) return this.catalog.problem(422, 'JSON data is missing or invalid', { option_values: 'at least one option value is required' });
		const option: CatalogOption = { id: this.catalog.nextId(), product_id: productId, display_name: body.display_name, type: typeof body.type === 'string' ? body.type : 'rectangles', sort_order: Number.isInteger(body.sort_order) ? (body.sort_order as number) : list.length, option_values: values.values };
		this.options.set(productId, [...list, option]);
		this.catalog.touch(productId);
		return { status: 200, body: { data: option, meta: {} } };
	}

	/** `PUT /catalog/products/{id}/options/{option_id}`: values with an `id` updated, without one added; others kept. */
	updateOption(productId: number, optionId: number, body: Record<string, unknown>): SandboxResponse {
		const option = this.options.get(productId)?.find((candidate) => candidate.id === optionId);
		if (!option) return this.catalog.problem(404, 'The requested option was not found');
		if (body.display_name !== undefined) {
			if (typeof body.display_name !== 'string' || body.display_name === '') return this.catalog.problem(422, 'JSON data is missing or invalid', { display_name: 'display_name is invalid' });
			option.display_name = body.display_name;
		}
		if (Number.isInteger(body.sort_order)) option.sort_order = body.sort_order as number;
		if (body.option_values !== undefined) {
			const values = this.valuesOf(body.option_values, option.option_values);
			if ('problem' in values) return values.problem;
			const given = new Set(values.values.map((value) => value.id));
			option.option_values = [...values.values, ...option.option_values.filter((value) => !given.has(value.id))];
		}
		for (const variant of this.variants.get(productId) ?? []) {
			for (const chosen of variant.option_values.filter((value) => value.option_id === option.id)) {
				chosen.option_display_name = option.display_name;
				chosen.label = option.option_values.find((value) => value.id === chosen.id)?.label ?? chosen.label;
			}
		}
		this.catalog.touch(productId);
		return { status: 200, body: { data: option, meta: {} } };
	}

	/** `DELETE /catalog/products/{id}/options/{option_id}[/values/{value_id}]`: the variants using it go too; 204. */
	deleteOption(productId: number, optionId: number, valueId?: number): SandboxResponse {
		const list = this.options.get(productId) ?? [];
		const option = list.find((candidate) => candidate.id === optionId);
		if (!option || (valueId !== undefined && !option.option_values.some((value) => value.id === valueId))) return this.catalog.problem(404, 'The requested option or value was not found');
		if (valueId === undefined) this.options.set(productId, list.filter((candidate) => candidate !== option));
		else option.option_values = option.option_values.filter((value) => value.id !== valueId);
		const uses = (variant: CatalogVariant) => variant.option_values.some((value) => value.option_id === optionId && (valueId === undefined || value.id === valueId));
		this.variants.set(productId, (this.variants.get(productId) ?? []).filter((variant) => !uses(variant)));
		this.catalog.touch(productId);
		return { status: 204 };
	}

	/** `POST /catalog/products/{id}/variants`: one variant, `option_values: [{option_id, id}]` naming a value of every option. */
	createVariant(productId: number, body: Record<string, unknown>): SandboxResponse {
		if (!this.catalog.product(productId)) return this.catalog.problem(404, 'The requested product was not found');
		const options = this.optionsOf(productId);
		if (typeof body.sku !== 'string' || body.sku === '') return this.catalog.problem(422, 'JSON data is missing or invalid', { sku: 'sku is required' });
		if (this.skuTaken(body.sku) || this.catalog.productSkuTaken(body.sku, 0)) return this.catalog.problem(409, 'The product variant sku is a duplicate', { sku: `sku "${body.sku}" is already in use` });
		const chosen = Array.isArray(body.option_values) ? (body.option_values as Array<{ option_id?: unknown; id?: unknown }>) : [];
		const values: CatalogVariant['option_values'] = [];
		for (const [place, entry] of chosen.entries()) {
			const option = options.find((candidate) => candidate.id === entry?.option_id);
			const value = option?.option_values.find((candidate) => candidate.id === entry?.id);
			if (!option || !value) return this.catalog.problem(422, 'JSON data is missing or invalid', { [`option_values.${place}`]: 'option_id and id must name a value of an option of this product' });
			values.push({ id: value.id, option_id: option.id, label: value.label, option_display_name: option.display_name });
		}
		const numbers = this.numbers(body, '');
		if ('problem' in numbers) return numbers.problem;
		const variant: CatalogVariant = { id: this.catalog.nextId(), product_id: productId, sku: body.sku, price: null, retail_price: null, sale_price: null, weight: null, ...numbers.values, option_values: values };
		const all = [...(this.variants.get(productId) ?? []), variant];
		const refused = this.completeAndDistinct(options, all, 'option_values');
		if (refused) return refused;
		this.variants.set(productId, all);
		this.catalog.touch(productId);
		return { status: 200, body: { data: variant, meta: {} } };
	}

	deleteVariant(productId: number, variantId: number): SandboxResponse {
		const list = this.variants.get(productId) ?? [];
		if (!list.some((variant) => variant.id === variantId)) return this.catalog.problem(404, 'The requested variant was not found');
		this.variants.set(productId, list.filter((variant) => variant.id !== variantId));
		this.catalog.touch(productId);
		return { status: 204 };
	}

	/** `PUT /catalog/variants`: up to 50 variants by id, their SKU, prices and weight; all or nothing. */
	updateVariants(body: unknown): SandboxResponse {
		if (!Array.isArray(body) || body.length === 0) return this.catalog.problem(422, 'JSON data is missing or invalid', { body: 'must be an array of variants' });
		if (body.length > VARIANT_BATCH_LIMIT) return this.catalog.problem(413, `The request payload is too large. The maximum number of items is ${VARIANT_BATCH_LIMIT}.`);
		const all = [...this.variants.values()].flat();
		const changes: Array<{ variant: CatalogVariant; values: Partial<CatalogVariant> }> = [];
		for (const [index, entry] of (body as Array<Record<string, unknown>>).entries()) {
			const variant = all.find((candidate) => candidate.id === entry?.id);
			if (!variant) return this.catalog.problem(404, `Variant ${String(entry?.id)} was not found`);
			const numbers = this.numbers(entry, `${index}`);
			if ('problem' in numbers) return numbers.problem;
			const values: Partial<CatalogVariant> = { ...numbers.values };
			if (entry.sku !== undefined) {
				if (typeof entry.sku !== 'string' || entry.sku === '') return this.catalog.problem(422, 'JSON data is missing or invalid', { [`${index}.sku`]: 'sku is invalid' });
				if (this.skuTaken(entry.sku, variant.id) || this.catalog.productSkuTaken(entry.sku, 0)) return this.catalog.problem(409, 'The product variant sku is a duplicate', { [`${index}.sku`]: `sku "${entry.sku}" is already in use` });
				values.sku = entry.sku;
			}
			changes.push({ variant, values });
		}
		for (const { variant, values } of changes) {
			Object.assign(variant, values);
			this.catalog.touch(variant.product_id);
		}
		return { status: 200, body: { data: changes.map(({ variant }) => variant), meta: {} } };
	}

	/** A variant's prices and weight: numbers of 0 or more, or null (the product's own is used). */
	private numbers(entry: Record<string, unknown>, where: string): { values: Partial<CatalogVariant> } | { problem: SandboxResponse } {
		const values: Partial<Record<(typeof VARIANT_NUMBERS)[number], number | null>> = {};
		for (const field of VARIANT_NUMBERS) {
			const value = entry[field];
			if (value === undefined) continue;
			if (value !== null && (typeof value !== 'number' || value < 0)) return { problem: this.catalog.problem(422, 'JSON data is missing or invalid', { [where ? `${where}.${field}` : field]: `${field} must be a number of 0 or more` }) };
			values[field] = value as number | null;
		}
		return { values };
	}

	/** Option values as written: labels of their own, `id` naming an existing one to relabel or reorder. */
	private valuesOf(body: unknown, existing: OptionValue[]): { values: OptionValue[] } | { problem: SandboxResponse } {
		if (!Array.isArray(body)) return { problem: this.catalog.problem(422, 'JSON data is missing or invalid', { option_values: 'must be an array' }) };
		const values: OptionValue[] = [];
		for (const [index, entry] of (body as Array<{ id?: unknown; label?: unknown; sort_order?: unknown }>).entries()) {
			if (typeof entry?.label !== 'string' || entry.label === '' || values.some((value) => value.label === entry.label)) return { problem: this.catalog.problem(422, 'JSON data is missing or invalid', { [`option_values.${index}.label`]: 'a label of its own is required' }) };
			const found = entry.id === undefined ? undefined : existing.find((value) => value.id === entry.id);
			if (entry.id !== undefined && !found) return { problem: this.catalog.problem(422, 'JSON data is missing or invalid', { [`option_values.${index}.id`]: 'no such option value' }) };
			const sortOrder = Number.isInteger(entry.sort_order) ? (entry.sort_order as number) : index;
			values.push(found ? Object.assign(found, { label: entry.label, sort_order: sortOrder }) : { id: this.catalog.nextId(), label: entry.label, sort_order: sortOrder, is_default: false, value_data: null });
		}
		return { values };
	}

	/** Every variant names one value of each option, and no two variants name the same values. */
	private completeAndDistinct(options: CatalogOption[], variants: CatalogVariant[], field: string): SandboxResponse | undefined {
		const seen = new Set<string>();
		for (const variant of variants) {
			if (variant.option_values.length !== options.length || new Set(variant.option_values.map((value) => value.option_id)).size !== options.length) {
				return this.catalog.problem(422, 'The variant must have one value of each option of the product', { [field]: `variant ${variant.sku} does not name one value of each option` });
			}
			const key = options.map((option) => variant.option_values.find((value) => value.option_id === option.id)?.id).join(',');
			if (seen.has(key)) return this.catalog.problem(409, 'A variant with the same option values exists', { [field]: `variant ${variant.sku} repeats another variant's option values` });
			seen.add(key);
		}
		return undefined;
	}
}
