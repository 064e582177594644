#!/usr/bin/env Rscript
# Reference values for aliased Cox covariates (issue #17): coxph reports a constant or linearly
# dependent column as NA (coef and se) and fits the other terms as if it were absent.
#   extra/aliased.csv    the data (synthetic: seeded rnorm/rbinom, made here)
#   extra/aliased.json   coxph on it, one case per model
# Run from this folder's parent: Rscript scripts/aliased_reference.R   (R 4.2.2, survival 3.5-3)
suppressMessages(library(survival))
num <- function(v) { if (length(v) == 0 || is.na(v) || !is.finite(v)) return("null")
  for (k in 15:17) { s <- sprintf(paste0("%.", k, "g"), v); if (as.numeric(s) == v) return(s) }; sprintf("%.17g", v) }
vec <- function(v) paste0("[", paste(vapply(as.numeric(v), num, ""), collapse = ", "), "]")
str <- function(v) paste0("[", paste0("\"", v, "\"", collapse = ", "), "]")

set.seed(17)
n <- 60
d <- data.frame(time = round(rexp(n, 0.1) + 0.5, 1), event = rbinom(n, 1, 0.7),
                x = round(rnorm(n, 50, 10), 1), z = rbinom(n, 1, 0.4))
d$c1 <- 1            # constant, one of R's no-centre values (0, ±1)
d$c01 <- 0.1         # constant that is not a binary fraction: centring leaves rounding residue
d$c73 <- 7.3
d$lin <- 2 * d$x - 3 * d$z   # linearly dependent on x and z
write.csv(d, "extra/aliased.csv", row.names = FALSE, quote = FALSE)
d <- read.csv("extra/aliased.csv")   # fit on the values as written

models <- list(constant_1 = c("x", "c1", "z"), constant_0.1 = c("x", "c01", "z"), constant_7.3 = c("x", "c73", "z"),
               constant_first = c("c73", "x", "z"), linear = c("x", "z", "lin"),
               only_constant_0.1 = c("c01"), only_constant_7.3 = c("c73"))
cases <- character(0)
for (name in names(models)) for (ties in c("efron", "breslow")) {
  v <- models[[name]]
  f <- as.formula(paste("Surv(time, event) ~", paste(v, collapse = " + ")))
  fit <- suppressWarnings(coxph(f, data = d, ties = ties))
  kept <- v[!is.na(coef(fit))]
  reduced <- if (length(kept) > 0) coef(coxph(as.formula(paste("Surv(time, event) ~", paste(kept, collapse = " + "))), data = d, ties = ties)) else numeric(0)
  se <- sqrt(diag(fit$var)); se[is.na(coef(fit))] <- NA
  cases <- c(cases, sprintf(paste0("\"%s__%s\": {\"covariates\": %s, \"ties\": \"%s\", \"coef\": %s, \"se\": %s, ",
    "\"loglik\": %s, \"iter\": %d, \"wald\": %s, \"score\": %s, \"reduced_coef\": %s}"),
    name, ties, str(v), ties, vec(coef(fit)), vec(se), vec(fit$loglik), fit$iter, num(fit$wald.test), num(fit$score),
    vec(reduced)))
}
writeLines(c(sprintf("{\"r\": \"%s\", \"survival\": \"%s\", \"data\": \"extra/aliased.csv\", \"cases\": {",
                     R.version.string, as.character(packageVersion("survival"))),
             paste(cases, collapse = ",\n"), "}}"), "extra/aliased.json")
