/**
 * The pad's stylesheet: a self-contained card (its own colours, so it reads the same on Jupyter's
 * light and dark themes and in the report), every class prefixed `dlp-` to stay out of the way.
 */
export const PAD_CSS = `
.dlp-card{display:flex;flex-wrap:wrap;gap:22px;align-items:flex-start;padding:18px 20px;margin:4px 0;border:1px solid #e1e4e8;border-radius:12px;background:#fff;color:#1f2328;box-shadow:0 1px 4px rgba(27,31,36,.08);font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:640px;box-sizing:border-box}
.dlp-card *{box-sizing:border-box}
.dlp-pad{display:flex;flex-direction:column;gap:8px;max-width:100%}
.dlp-canvas{display:block;width:280px;height:auto;aspect-ratio:1/1;max-width:100%;border:1px solid #d0d7de;border-radius:10px;background:#fff;touch-action:none;cursor:crosshair;box-shadow:inset 0 0 0 1px rgba(255,255,255,.6)}
.dlp-tools{display:flex;align-items:center;justify-content:space-between;gap:8px}
.dlp-clear{font:inherit;font-weight:500;padding:5px 16px;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;color:#1f2328;cursor:pointer}
.dlp-clear:hover{background:#eaeef2}
.dlp-clear:focus-visible{outline:2px solid #0969da;outline-offset:1px}
.dlp-hint{color:#656d76;font-size:12px}
.dlp-side{flex:1 1 230px;min-width:230px;display:flex;flex-direction:column;gap:12px}
.dlp-title{font-weight:600;font-size:15px;margin:0}
.dlp-caption{color:#656d76;font-size:12px;margin-top:2px}
.dlp-answer{display:flex;align-items:center;gap:16px;padding:10px 12px;border-radius:10px;background:#f6f8fa}
.dlp-digit{font-size:54px;font-weight:700;line-height:1;min-width:44px;text-align:center;color:#0969da;font-variant-numeric:tabular-nums}
.dlp-conf{font-size:15px;font-weight:600}
.dlp-sees{display:flex;align-items:center;gap:8px;color:#656d76;font-size:12px;margin-top:6px}
.dlp-preview{width:42px;height:42px;image-rendering:pixelated;border-radius:4px;background:#000}
.dlp-bars{display:flex;flex-direction:column;gap:4px;margin:0;padding:0}
.dlp-row{display:grid;grid-template-columns:12px 1fr 46px;align-items:center;gap:8px;font-variant-numeric:tabular-nums}
.dlp-label{font-weight:600;text-align:right;color:#57606a}
.dlp-track{height:12px;background:#eef1f4;border-radius:6px;overflow:hidden}
.dlp-fill{height:100%;width:0;background:#afb8c1;border-radius:6px}
.dlp-row.dlp-top .dlp-fill{background:#0969da}
.dlp-row.dlp-top .dlp-label{color:#0969da}
.dlp-pct{text-align:right;color:#656d76;font-size:12px}
.dlp-status{color:#656d76;font-size:12px;min-height:1.4em}
.dlp-card[data-dlp-status="error"] .dlp-status{color:#cf222e}
`.trim();
