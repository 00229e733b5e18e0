// Pages of list endpoints and the error body.
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.

/** A page of a list endpoint: ?page=&page_size= (page_size at most 100). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface PageQuery {
  page?: number;
  page_size?: number;
}

/** Error body of every failed request. */
export interface ErrorBody {
  code: string;
  message: string;
}
