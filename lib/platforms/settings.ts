import type { CredentialBinding, CredentialValues, PlatformDefinition, PlatformSettings, SettingField } from './definition';

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** The API's base URL: the credential's field, else derived from other fields (Mailchimp), else the vendor's default. */
export function resolveBaseUrl(binding: CredentialBinding, values: CredentialValues): string {
	const field = values[binding.baseUrlField];
	if (typeof field === 'string' && field.trim() !== '') return field.trim();
	if (!isEmpty(field)) throw new Error(`The credential's "${binding.baseUrlField}" must be a URL, not ${typeof field}`);
	const url = binding.deriveBaseUrl?.(values) ?? binding.defaultBaseUrl;
	if (!url) throw new Error(`The credential's "${binding.baseUrlField}" is empty: set the API's base URL`);
	return url;
}

/** One declared setting's value, parsed by its type; an error names the field (`Shopify credential: Location ID (locationId) is empty`). */
export function parseSetting(platform: string, field: SettingField, value: unknown): string | number {
	const where = `${platform} credential: ${field.displayName} (${field.name})`;
	if (isEmpty(value)) {
		if (field.default === undefined) throw new Error(`${where} is empty`);
		return field.default;
	}
	if (field.type === 'string') {
		if (typeof value !== 'string') throw new Error(`${where} must be text, got ${typeof value}`);
		if (field.options && !field.options.includes(value.trim())) throw new Error(`${where} must be one of ${field.options.join(', ')}, got ${JSON.stringify(value)}`);
		return value.trim();
	}
	// An integer arrives as a number from n8n, or as digits from a settings file; anything else is refused, not coerced.
	const integer = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof integer !== 'number' || !Number.isSafeInteger(integer) || integer < 0) throw new Error(`${where} must be a whole number, got ${JSON.stringify(value)}`);
	return integer;
}

/** The declared settings of the platform, each parsed by its type (an error names the field), and the base URL. */
export function parseSettings(definition: PlatformDefinition, values: CredentialValues, binding: CredentialBinding = definition.credentials): PlatformSettings {
	const settings: PlatformSettings = { baseUrl: resolveBaseUrl(binding, values) };
	for (const field of definition.settings ?? []) settings[field.name] = parseSetting(definition.displayName, field, values[field.name]);
	return settings;
}

/** The values no message may show: the binding's secret fields that are set. */
export function secretValues(binding: CredentialBinding, values: CredentialValues): string[] {
	return binding.secretFields.map((field) => values[field]).filter((value): value is string => typeof value === 'string' && value !== '');
}

/** A declared text setting, as `parseSettings` left it. */
export function textSetting(settings: PlatformSettings, name: string): string {
	const value = settings[name];
	if (typeof value !== 'string') throw new Error(`Setting "${name}" is not text`);
	return value;
}

/** A declared whole-number setting, as `parseSettings` left it. */
export function integerSetting(settings: PlatformSettings, name: string): number {
	const value = settings[name];
	if (typeof value !== 'number') throw new Error(`Setting "${name}" is not a whole number`);
	return value;
}
