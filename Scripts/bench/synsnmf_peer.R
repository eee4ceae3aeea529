# Run musclesyneRgies' synsNMF (the santuz protocol's defaults) on envelope
# CSVs, for Scripts/bench/run_r.py. synsNMF.R is sourced from the peers
# folder given (it is never copied into this repository).
#
# Usage: Rscript Scripts/bench/synsnmf_peer.R PEERS_DIR OUT.tsv ENVELOPE.csv...
# OUT.tsv, one line per envelope: file, count (syns), seconds in this process
# (read.csv + synsNMF), iterations of the chosen rank, R2 of ranks 1..max
# (comma-separated). R's generator is seeded with set.seed(1) per envelope.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3) stop("usage: synsnmf_peer.R PEERS_DIR OUT.tsv ENVELOPE.csv...")
source(file.path(args[1], "musclesyneRgies", "synsNMF.R"))
lines <- character()
for (f in args[-(1:2)]) {
  start <- proc.time()[["elapsed"]]
  set.seed(1)
  V <- read.csv(f)
  names(V)[1] <- "time"
  s <- synsNMF(V)
  seconds <- proc.time()[["elapsed"]] - start
  lines <- c(lines, paste(basename(f), s$syns, sprintf("%.6f", seconds), s$iterations,
                          paste(sprintf("%.10f", s$R2$R2), collapse = ","), sep = "\t"))
}
writeLines(lines, args[2])
