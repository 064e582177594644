#!/usr/bin/env Rscript
# Reference values for the real-world-evidence estimators (issue #22, point 1), from R's own data sets:
#   rwe/data/heart.csv   survival::heart (Stanford heart transplant, counting-process rows), + weight w
#   rwe/data/cgd.csv     survival::cgd (chronic granulomatous disease, recurrent infections)
#   rwe/data/lung_w.csv  survival::lung complete cases, + non-integer weight w
#   rwe/data/colon_ps.csv survival::colon (death records, etype 2), complete cases: treated = rx is Lev+5FU
#   rwe/cox.json         coxph on (start, stop] data, Efron/Breslow, strata, weights, robust and cluster(id)
#   rwe/km.json          survfit with delayed entry (Surv(start, stop, event)) and with case weights
#   rwe/logistic.json    glm(binomial): coefficients, se, deviances, iterations
# Run from Tests/Fixtures/survival: Rscript scripts/rwe_reference.R   (R 4.2.2, survival 3.5-3)
suppressMessages(library(survival))
num <- function(v) { if (is.na(v) || !is.finite(v)) return("null")
  for (k in 15:17) { s <- sprintf(paste0("%.", k, "g"), v); if (as.numeric(s) == v) return(s) }; sprintf("%.17g", v) }
js <- function(x) {
  if (is.null(x)) return("null")
  if (is.matrix(x)) return(paste0("[", paste(vapply(seq_len(nrow(x)), function(i) js(I(x[i, ])), ""), collapse = ", "), "]"))
  if (is.list(x)) {
    if (!is.null(names(x))) return(paste0("{", paste0("\"", names(x), "\": ", vapply(x, js, ""), collapse = ",\n"), "}"))
    return(paste0("[", paste(vapply(x, js, ""), collapse = ",\n"), "]"))
  }
  one <- function(v) if (is.character(v)) paste0("\"", v, "\"") else if (is.logical(v)) (if (is.na(v)) "null" else tolower(v)) else num(v)
  if (inherits(x, "AsIs") || length(x) != 1) return(paste0("[", paste(vapply(seq_along(x), function(i) one(unclass(x)[i]), ""), collapse = ", "), "]"))
  one(x)
}
out <- function(x, file) writeLines(js(x), file)
csv <- function(d, file) {
  cells <- lapply(d, function(v) if (is.numeric(v)) vapply(v, num, "") else as.character(v))
  writeLines(c(paste(names(d), collapse = ","), do.call(paste, c(cells, sep = ","))), file)
}
sw <- list(R = R.version.string, survival = as.character(packageVersion("survival")))

h <- heart
h$transplant <- as.integer(as.character(h$transplant))
h$w <- 0.5 + (h$id %% 5) * 0.25
csv(h, "rwe/data/heart.csv")
g <- data.frame(tstart = cgd$tstart, tstop = cgd$tstop, status = cgd$status, treat = as.integer(cgd$treat == "rIFN-g"),
                sex = as.integer(cgd$sex == "female"), age = cgd$age, propylac = cgd$propylac,
                hos_cat = as.integer(cgd$hos.cat), id = cgd$id)
csv(g, "rwe/data/cgd.csv")
l <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog")])
l <- data.frame(time = l$time, event = as.integer(l$status == 2), age = l$age, sex = l$sex, ph_ecog = l$ph.ecog)
l$w <- 0.5 + (seq_len(nrow(l)) %% 4) * 0.25
l$id <- (seq_len(nrow(l)) - 1) %/% 2 + 1     # pairs of rows as clusters
csv(l, "rwe/data/lung_w.csv")

fits <- list()
coxcase <- function(name, fit, d, args) {
  r <- list(call = paste(deparse(fit$call), collapse = ""), formula = paste(deparse(formula(fit)), collapse = ""), args = args, data = attr(d, "file"),
    n = fit$n, nevent = fit$nevent, terms = I(names(coef(fit))), coef = I(unname(coef(fit))), var = unname(fit$var),
    se = I(unname(sqrt(diag(fit$var)))), loglik = I(fit$loglik), iter = fit$iter,
    score = unname(fit$score), wald = unname(fit$wald.test))
  if (!is.null(fit$naive.var)) { r$naive_se <- I(unname(sqrt(diag(fit$naive.var)))); r$rscore <- unname(fit$rscore) }
  fits[[name]] <<- r
}
attr(h, "file") <- "heart.csv"; attr(g, "file") <- "cgd.csv"; attr(l, "file") <- "lung_w.csv"
hf <- Surv(start, stop, event) ~ age + year + surgery + transplant
gf <- Surv(tstart, tstop, status) ~ treat + sex + age + propylac + strata(hos_cat)
lf <- Surv(time, event) ~ age + sex + ph_ecog
for (ties in c("efron", "breslow")) {
  hx <- list(start = "start", time = "stop", event = "event", ties = ties)
  coxcase(paste0("heart_", ties), coxph(hf, data = h, ties = ties), h, hx)
  coxcase(paste0("heart_", ties, "_cluster"), coxph(hf, data = h, ties = ties, cluster = id), h, c(hx, cluster = "id"))
  coxcase(paste0("heart_", ties, "_weighted"), coxph(hf, data = h, ties = ties, weights = w, robust = FALSE), h, c(hx, weights = "w", robust = FALSE))
  coxcase(paste0("heart_", ties, "_weighted_cluster"), coxph(hf, data = h, ties = ties, weights = w, cluster = id), h,
          c(hx, weights = "w", cluster = "id"))
  coxcase(paste0("cgd_", ties, "_strata_cluster"), coxph(gf, data = g, ties = ties, cluster = id), g,
          list(start = "tstart", time = "tstop", event = "status", ties = ties, strata = "hos_cat", cluster = "id"))
  lx <- list(time = "time", event = "event", ties = ties)
  coxcase(paste0("lung_", ties, "_robust"), coxph(lf, data = l, ties = ties, robust = TRUE), l, c(lx, robust = TRUE))
  coxcase(paste0("lung_", ties, "_weighted_robust"), coxph(lf, data = l, ties = ties, weights = w), l, c(lx, weights = "w", robust = TRUE))
  coxcase(paste0("lung_", ties, "_strata_cluster"), coxph(Surv(time, event) ~ age + ph_ecog + strata(sex), data = l, ties = ties, cluster = id), l,
          c(lx, strata = "sex", cluster = "id"))
}
out(c(sw, list(fits = fits)), "rwe/cox.json")

curves <- list()
kmcase <- function(name, fit, args) {
  s <- summary(fit, times = args$times, extend = FALSE)
  tab <- summary(fit, rmean = 1000)$table
  curves[[name]] <<- list(args = args, rmean_tau = 1000, rmean = unname(tab["rmean"]), se_rmean = unname(tab["se(rmean)"]),
    median = unname(tab["median"]), time = I(fit$time), n_risk = I(fit$n.risk), n_event = I(fit$n.event),
    n_censor = I(fit$n.censor), surv = I(fit$surv), std_err = I(fit$std.err), cumhaz = I(fit$cumhaz),
    std_chaz = I(fit$std.chaz), lower = I(fit$lower), upper = I(fit$upper),
    at_times = list(time = I(s$time), surv = I(s$surv), std_err = I(s$std.err), lower = I(s$lower), upper = I(s$upper), n_risk = I(s$n.risk)))
}
kmcase("heart_entry", survfit(Surv(start, stop, event) ~ 1, data = h), list(data = "heart.csv", start = "start", time = "stop", event = "event", times = I(c(30, 100, 365, 1000))))
kmcase("heart_entry_transplant1", survfit(Surv(start, stop, event) ~ 1, data = h[h$transplant == 1, ]),
       list(data = "heart.csv", start = "start", time = "stop", event = "event", subset = "transplant == 1", times = I(c(100, 365))))
kmcase("cgd_entry", survfit(Surv(tstart, tstop, status) ~ 1, data = g), list(data = "cgd.csv", start = "tstart", time = "tstop", event = "status", times = I(c(100, 200, 300))))
kmcase("lung_weighted", survfit(Surv(time, event) ~ 1, data = l, weights = w), list(data = "lung_w.csv", time = "time", event = "event", weights = "w", times = I(c(180, 365, 730))))
kmcase("lung_weighted_greenwood", survfit(Surv(time, event) ~ 1, data = l, weights = w, robust = FALSE),
       list(data = "lung_w.csv", time = "time", event = "event", weights = "w", robust = FALSE, times = I(c(180, 365, 730))))
kmcase("heart_entry_weighted", survfit(Surv(start, stop, event) ~ 1, data = h, weights = w, robust = FALSE),
       list(data = "heart.csv", start = "start", time = "stop", event = "event", weights = "w", robust = FALSE, times = I(c(30, 100, 365))))
kmcase("heart_entry_jackknife", survfit(Surv(start, stop, event) ~ 1, data = h, weights = w),
       list(data = "heart.csv", start = "start", time = "stop", event = "event", weights = "w", times = I(c(30, 100, 365))))
out(c(sw, list(curves = curves)), "rwe/km.json")

cl <- colon[colon$etype == 2, c("rx", "age", "sex", "obstruct", "perfor", "adhere", "nodes", "differ", "extent", "surg")]
cl <- na.omit(cl)
ps <- data.frame(treated = as.integer(cl$rx == "Lev+5FU"), age = cl$age, sex = cl$sex, obstruct = cl$obstruct, perfor = cl$perfor,
                 adhere = cl$adhere, nodes = cl$nodes, differ = cl$differ, extent = cl$extent, surg = cl$surg)
models <- list()
glmcase <- function(name, fit, wcol = NULL) {
  models[[name]] <<- list(call = paste(deparse(fit$formula), collapse = ""), weights = wcol,
    terms = I(names(coef(fit))), coef = I(unname(coef(fit))), se = I(unname(sqrt(diag(vcov(fit))))),
    deviance = fit$deviance, null_deviance = fit$null.deviance, aic = fit$aic, iter = fit$iter, converged = fit$converged,
    fitted_first10 = I(unname(fitted(fit)[1:10])))
}
glmcase("colon", glm(treated ~ age + sex + obstruct + perfor + adhere + nodes + differ + extent + surg, family = binomial, data = ps))
ps$w <- 0.5 + (seq_len(nrow(ps)) %% 3) * 0.5
csv(ps, "rwe/data/colon_ps.csv")
glmcase("colon_weighted", suppressWarnings(glm(treated ~ age + sex + nodes + extent, family = binomial, data = ps, weights = w)), "w")
out(c(sw, list(data = "colon_ps.csv", models = models)), "rwe/logistic.json")
