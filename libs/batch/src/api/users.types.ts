// The users directory's request and reply shapes. Plain types only (no imports), so the web page can share them.

/** A user of the directory: an id (also their session id), a name, and free fields. */
export interface BatchUser {
  id: string;
  name: string;
  [field: string]: unknown;
}

/** The body of POST /api/users and PUT /api/users/{id}: a user, the id optional (made from the name, or the path's). */
export interface UserBody {
  id?: string;
  name: string;
  [field: string]: unknown;
}

export interface UserQuery {
  search?: string;
  offset?: number;
  limit?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface UserPage {
  items: BatchUser[];
  total: number;
}

export interface ImportReport {
  imported: number;
  /** `row` is 1-based: the header is row 1 of a CSV; the array index + 1 of JSON. */
  rejected: { row: number; reason: string }[];
}

/** Which users of the directory a request selects: `{ userIds: [...] }` or `{ all: true }`. */
export interface UserSelection {
  userIds?: string[];
  all?: boolean;
}
