import { ApiError, toErrorResponse } from "@/lib/api/errors";

// Any /api/v1 path without a route answers JSON too, never Next's HTML 404 page.
const notFound = async (req: Request) =>
  toErrorResponse(new ApiError("not_found", `no API route ${req.method} ${new URL(req.url).pathname}`));
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
