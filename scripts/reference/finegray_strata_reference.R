# Reference for `onco survival finegray --strata` (issue #16 / #22): Fine-Gray subdistribution hazards with a
# stratified baseline, as R writes it: the data expanded by finegray() (censoring distribution over all
# subjects, unstratified: the formula is `~ .`, no strata() term), then
#   coxph(Surv(fgstart, fgstop, fgstatus) ~ covariates + strata(s), weights = fgwt, cluster = id)
# Data: the CSVs of Tests/Fixtures/survival/rwe/data (R's mgus2 and pbc, made by
# Tests/Fixtures/survival/scripts/finegray_reference.R). Writes Tests/Fixtures/survival/rwe/finegray_strata.json.
#
#   cd Tests/Fixtures/survival && Rscript ../../../scripts/reference/finegray_strata_reference.R
suppressPackageStartupMessages(library(survival))
num <- function(v) { for (k in 15:17) { s <- sprintf(paste0("%.", k, "g"), v); if (as.numeric(s) == v) return(s) }; sprintf("%.17g", v) }
arr <- function(v) paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]")
str <- function(v) paste0("[", paste0("\"", v, "\"", collapse = ", "), "]")
cases <- list()
fgcase <- function(name, file, time, event, cause, covs, strata) {
  d <- read.csv(file.path("rwe/data", file))
  f <- d[, c("id", time, event, covs, strata)]
  names(f)[2:3] <- c("tt", "ee")
  f$ee <- factor(f$ee, 0:max(f$ee))
  fg <- finegray(Surv(tt, ee) ~ ., data = f, etype = as.character(cause))
  form <- as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", paste(covs, collapse = " + "), "+ strata(", strata, ")"))
  fit <- coxph(form, data = fg, weights = fgwt, cluster = id)
  cases[[name]] <<- paste0("\"", name, "\": {\"data\": \"", file, "\", \"time\": \"", time, "\", \"event\": \"", event,
    "\", \"event_of_interest\": ", cause, ", \"terms\": ", str(covs), ", \"strata\": \"", strata, "\", \"n\": ", nrow(d),
    ", \"n_expanded\": ", nrow(fg), ", \"nevent\": ", fit$nevent, ", \"coef\": ", arr(unname(coef(fit))),
    ", \"se\": ", arr(unname(sqrt(diag(fit$var)))), ", \"naive_se\": ", arr(unname(sqrt(diag(fit$naive.var)))),
    ", \"loglik\": ", arr(fit$loglik), "}")
}
fgcase("pbc_death_by_edema", "pbc_cr.csv", "time", "status", 2, c("age", "logbili", "trt"), "edema")
fgcase("mgus2_pcm_by_male", "mgus2_cr.csv", "etime", "event", 1, c("age"), "male")
writeLines(paste0("{\"R\": \"", R.version.string, "\", \"survival\": \"", packageVersion("survival"), "\",\n",
                  paste(unlist(cases), collapse = ",\n"), "}"), "rwe/finegray_strata.json")
