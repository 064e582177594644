#!/usr/bin/env Rscript
# Reference values for competing risks (issue #22 point 1, issue #20 point 3), from R's own data sets:
#   rwe/data/mgus2_cr.csv  survival::mgus2 (monoclonal gammopathy): etime/event as in the survival vignette
#                          "compete" (event 1 = plasma-cell malignancy (PCM), 2 = death before PCM, 0 = censored)
#   rwe/data/pbc_cr.csv    survival::pbc, the 312 randomised patients complete in the covariates used
#                          (status 0 = censored, 1 = liver transplant, 2 = death)
#   rwe/finegray.json      Fine-Gray fits: finegray() then coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt,
#                          cluster = id) -- robust se clustered by subject (se), model-based (naive_se), and the
#                          se R prints without cluster(id) (the expanded rows taken as independent: rowwise_se);
#                          the expanded data's size and sums; cmprsk::crr's se beside it for the record
#                          Gray's test: cmprsk::cuminc(time, event, group)$Tests for every cause
# Run from Tests/Fixtures/survival: Rscript scripts/finegray_reference.R   (R 4.2.2, survival 3.5-3, cmprsk 2.2-11;
# cmprsk is the Debian package r-cran-cmprsk, which scripts/install-deps.sh installs for tests)
suppressMessages({ library(survival); library(cmprsk) })
num <- function(v) { if (is.na(v) || !is.finite(v)) return("null")
  for (k in 15:17) { s <- sprintf(paste0("%.", k, "g"), v); if (as.numeric(s) == v) return(s) }; sprintf("%.17g", v) }
js <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) return(paste0("{", paste0("\"", names(x), "\": ", vapply(x, js, ""), collapse = ",\n"), "}"))
    return(paste0("[", paste(vapply(x, js, ""), collapse = ",\n"), "]"))
  }
  one <- function(v) if (is.character(v)) paste0("\"", v, "\"") else if (is.logical(v)) tolower(v) else num(v)
  if (inherits(x, "AsIs") || length(x) != 1) return(paste0("[", paste(vapply(seq_along(x), function(i) one(unclass(x)[i]), ""), collapse = ", "), "]"))
  one(x)
}
csv <- function(d, file) {
  cells <- lapply(d, function(v) if (is.numeric(v)) vapply(v, num, "") else as.character(v))
  writeLines(c(paste(names(d), collapse = ","), do.call(paste, c(cells, sep = ","))), file)
}
sw <- list(R = R.version.string, survival = as.character(packageVersion("survival")), cmprsk = as.character(packageVersion("cmprsk")))

m <- data.frame(id = mgus2$id,
                etime = with(mgus2, ifelse(pstat == 0, futime, ptime)),
                event = with(mgus2, ifelse(pstat == 0, 2 * death, 1)),
                age = mgus2$age, male = as.integer(mgus2$sex == "M"))
csv(m, "rwe/data/mgus2_cr.csv")
p <- pbc[!is.na(pbc$trt), ]
p <- data.frame(id = p$id, time = p$time, status = p$status, age = p$age, male = as.integer(p$sex == "m"),
                logbili = log(p$bili), albumin = p$albumin, edema = p$edema, trt = as.integer(p$trt == 2))
p <- na.omit(p)
csv(p, "rwe/data/pbc_cr.csv")

fits <- list()
fgcase <- function(name, d, file, time, event, cause, covs) {
  f <- d[, c("id", time, event, covs)]
  names(f)[2:3] <- c("tt", "ee")
  f$ee <- factor(f$ee, 0:max(f$ee))
  fg <- finegray(Surv(tt, ee) ~ ., data = f, etype = as.character(cause))
  form <- as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", paste(covs, collapse = " + ")))
  fit <- coxph(form, data = fg, weights = fgwt, cluster = id)
  rowwise <- coxph(form, data = fg, weights = fgwt)
  cr <- crr(d[[time]], d[[event]], as.matrix(d[, covs]), failcode = cause, cencode = 0)
  fits[[name]] <<- list(data = file, time = time, event = event, event_of_interest = cause, terms = I(covs),
    n = nrow(d), n_expanded = nrow(fg), sum_fgwt = sum(fg$fgwt), sum_fgstop = sum(fg$fgstop), sum_fgstart = sum(fg$fgstart),
    sum_fgstatus = sum(fg$fgstatus), sum_wt_stop = sum(fg$fgwt * fg$fgstop),
    nevent = fit$nevent, coef = I(unname(coef(fit))), se = I(unname(sqrt(diag(fit$var)))),
    naive_se = I(unname(sqrt(diag(fit$naive.var)))), rowwise_se = I(unname(sqrt(diag(rowwise$var)))),
    loglik = I(fit$loglik), iter = fit$iter, crr_coef = I(unname(cr$coef)), crr_se = I(unname(sqrt(diag(cr$var)))))
}
fgcase("mgus2_pcm", m, "mgus2_cr.csv", "etime", "event", 1, c("age", "male"))
fgcase("mgus2_death", m, "mgus2_cr.csv", "etime", "event", 2, c("age", "male"))
fgcase("pbc_death", p, "pbc_cr.csv", "time", "status", 2, c("age", "male", "logbili", "albumin", "edema", "trt"))
fgcase("pbc_transplant", p, "pbc_cr.csv", "time", "status", 1, c("age", "logbili", "trt"))

tests <- list()
graycase <- function(name, d, file, time, event, group) {
  ci <- cuminc(d[[time]], d[[event]], d[[group]], cencode = 0)
  t <- ci$Tests
  tests[[name]] <<- list(data = file, time = time, event = event, group = group, causes = I(as.integer(rownames(t))),
                         statistic = I(unname(t[, "stat"])), p = I(unname(t[, "pv"])), df = I(unname(t[, "df"])))
}
graycase("mgus2_male", m, "mgus2_cr.csv", "etime", "event", "male")
graycase("pbc_trt", p, "pbc_cr.csv", "time", "status", "trt")
graycase("pbc_edema", p, "pbc_cr.csv", "time", "status", "edema")
writeLines(js(c(sw, list(fits = fits, gray = tests))), "rwe/finegray.json")
