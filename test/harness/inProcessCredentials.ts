/**
 * Credentials for in-process runs: test data handed in by type instead of n8n's encrypted database rows, applied to
 * requests the way n8n's own CredentialsHelper does (a credential type's `authenticate` function, or its generic
 * header/query/body/auth map with `{{$credentials.…}}` expressions, and `preAuthentication` for expirable tokens).
 */
import { Credentials } from 'n8n-core';
import { ICredentialsHelper, isExpression } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	IRequestOptionsSimplified,
	Workflow,
} from 'n8n-workflow';

export class InProcessCredentialsHelper extends ICredentialsHelper {
	private readonly dataByType: Record<string, ICredentialDataDecryptedObject>;

	constructor(
		private readonly credentialTypes: Map<string, ICredentialType>,
		dataByType: Record<string, Record<string, unknown>>,
	) {
		super();
		this.dataByType = structuredClone(dataByType) as Record<string, ICredentialDataDecryptedObject>;
	}

	private typeNamed(name: string): ICredentialType {
		const type = this.credentialTypes.get(name);
		if (!type) throw new Error(`Credential type "${name}" is not loaded in-process`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents = this.credentialTypes.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string) {
		return this.typeNamed(type).properties;
	}

	/** Test data over the type's property defaults, as n8n fills in properties the stored data lacks. */
	async getDecrypted(_additionalData: unknown, _nodeCredentials: INodeCredentialsDetails, type: string) {
		const data = this.dataByType[type];
		if (!data) throw new Error(`No test credentials of type "${type}" were given to the in-process run`);
		const defaults = Object.fromEntries(this.typeNamed(type).properties.map((property) => [property.name, property.default]));
		return { ...defaults, ...data } as ICredentialDataDecryptedObject;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string) {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.dataByType[type] ?? {});
		return credentials;
	}

	async updateCredentials(_nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject) {
		this.dataByType[type] = data;
	}

	async updateCredentialsOauthTokenData(nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject) {
		await this.updateCredentials(nodeCredentials, type, data);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const request = requestOptions as IHttpRequestOptions;
		const { authenticate } = this.typeNamed(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, request);
		if (authenticate?.type !== 'generic') return request;
		if (!workflow || !node) throw new Error('Generic credential authentication needs the workflow and node');
		const resolve = (value: unknown) =>
			isExpression(value)
				? String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ?? '')
				: value;
		const target = request as unknown as Record<string, Record<string, unknown>>;
		for (const [section, entries] of Object.entries(authenticate.properties)) {
			target[section] ??= {};
			for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
				target[section][String(resolve(key))] = resolve(value);
			}
		}
		return request;
	}

	/** Refreshes an expirable token (a hidden property with `typeOptions.expirable`) when it is empty or expired. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	) {
		const type = this.typeNamed(typeName);
		const expirable = type.properties.find((property) => property.type === 'hidden' && property.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.dataByType[typeName] = { ...this.dataByType[typeName], ...output } as ICredentialDataDecryptedObject;
		return Object.assign(credentials, output) as ICredentialDataDecryptedObject;
	}

	async runPreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, typeName: string) {
		const { preAuthentication } = this.typeNamed(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		return (await preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}
}
