/** The keys of users' leases, on the schema every cluster part shares (`<prefix>owner:<userId>`, `<prefix>fence`). */
export const leaseKeys = {
  owner: (prefix: string, userId: string) => `${prefix}owner:${userId}`,
  fence: (prefix: string) => `${prefix}fence`,
};

/** A lease as Redis holds it: `"<token> <replicaId> <advertiseUrl>"`. */
export interface LeaseHolder {
  token: number;
  replica: string;
  /** Where the holder takes forwarded requests; undefined when it did not say (it does not listen). */
  url: string | undefined;
}

/** Placeholder for the address of a replica that does not listen (an application context). */
export const NO_ADDRESS = '-';

export function formatLease(token: number, replica: string, url: string | undefined): string {
  return `${token} ${replica} ${url ?? NO_ADDRESS}`;
}

export function parseLease(value: string): LeaseHolder {
  const [token, replica = '', url = NO_ADDRESS] = value.split(' ');
  return { token: Number(token), replica, url: url === NO_ADDRESS ? undefined : url };
}
