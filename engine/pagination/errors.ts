/** A paginator that cannot go on: the API's answer does not fit the spec, or its pagination stopped advancing. */
export class PaginationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaginationError';
  }
}
