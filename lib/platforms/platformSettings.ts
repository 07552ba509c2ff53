/**
 * Settings as parsed from the credential: each declared field typed, plus the resolved base URL. In a file of its own
 * because both the platform declarations (definition.ts) and the resource listers they declare (resources.ts) use it.
 */
export interface PlatformSettings {
	baseUrl: string;
	[field: string]: string | number;
}
