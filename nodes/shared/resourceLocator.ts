import { NodeOperationError, type IDisplayOptions, type IExecuteFunctions, type INodeProperties, type INodePropertyMode } from 'n8n-workflow';

export interface PickerOptions {
	displayName: string;
	name: string;
	/** The node's `listSearch` method that fills "From List"; absent where the vendor's API lists none (then `hint` says so). */
	searchListMethod?: string;
	description: string;
	/** Shown under the field: e.g. why no list is offered and where the id is found. */
	hint?: string;
	required?: boolean;
	/** Nothing picked unless given (e.g. a name the engine creates when missing). */
	default?: { mode: 'list' | 'id' | 'name' | 'url'; value: string };
	displayOptions?: IDisplayOptions;
	/** The typed mode beside the list: the vendor's id (default), or a name where the engine keys by name. */
	typed?: { name: 'id' | 'name'; displayName: string; placeholder: string; regex?: string; errorMessage?: string };
	/** By URL, for vendors whose objects have a page: the regex's first group is the id. */
	url?: { placeholder: string; regex: string };
}

/**
 * A vendor id picked rather than typed: n8n's `resourceLocator` with "From List" (searched through the vendor's
 * API), the typed id (or name) for expressions and power users, and By URL where the vendor has pages.
 */
export function picker(options: PickerOptions): INodeProperties {
	const typed = options.typed ?? { name: 'id', displayName: 'By ID', placeholder: 'e.g. 123' };
	const modes: INodePropertyMode[] = [
		...(options.searchListMethod ? [{ displayName: 'From List', name: 'list', type: 'list' as const, typeOptions: { searchListMethod: options.searchListMethod, searchable: true } }] : []),
		{
			displayName: typed.displayName,
			name: typed.name,
			type: 'string',
			placeholder: typed.placeholder,
			...(typed.regex ? { validation: [{ type: 'regex', properties: { regex: typed.regex, errorMessage: typed.errorMessage ?? `Not a valid ${options.displayName}` } }] } : {}),
		},
	];
	if (options.url) {
		modes.push({
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: options.url.placeholder,
			extractValue: { type: 'regex', regex: options.url.regex },
			// n8n checks a mode's value against its validation regex anchored at both ends; the id may sit anywhere in the URL.
			validation: [{ type: 'regex', properties: { regex: `.*(?:${options.url.regex}).*`, errorMessage: `Not a ${options.displayName} URL` } }],
		});
	}
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: options.default ?? { mode: options.searchListMethod ? 'list' : typed.name, value: '' },
		required: options.required,
		description: options.description,
		...(options.hint ? { hint: options.hint } : {}),
		displayOptions: options.displayOptions,
		modes,
	};
}

/** The picked value (the id, whatever the mode), trimmed; '' when nothing is picked or the picker is not shown. */
export function pickedValue(context: IExecuteFunctions, name: string, itemIndex = 0): string {
	let value: unknown;
	try {
		value = context.getNodeParameter(name, itemIndex, '', { extractValue: true });
	} catch (error) {
		// n8n extracts a value only from a parameter its display conditions show (for another operation it finds none).
		if (error instanceof Error && error.message === 'Could not find property') return '';
		throw new NodeOperationError(context.getNode(), error as Error);
	}
	if (value === null || value === undefined) return '';
	if (typeof value === 'object') return String((value as { value?: unknown }).value ?? '').trim();
	return String(value).trim();
}
