export function EmptyState({ title, body, action }: { title: string; body: string; action?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center rounded-lg border-2 border-dashed border-zinc-200 bg-white px-6 py-14 text-center">
      <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-brand-50 text-brand-600" aria-hidden>
        <svg viewBox="0 0 20 20" fill="currentColor" className="size-5">
          <path d="M10 2a1 1 0 0 1 .7.3l6 6a1 1 0 0 1 0 1.4l-6 6a1 1 0 0 1-1.4 0l-6-6a1 1 0 0 1 0-1.4l6-6A1 1 0 0 1 10 2Z" />
        </svg>
      </div>
      <h2 className="text-base font-semibold text-zinc-900">{title}</h2>
      <p className="mt-1 max-w-md text-sm text-zinc-600">{body}</p>
      {action && <div className="mt-5">{action}</div>}
    </div>
  );
}
