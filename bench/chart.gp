# Chart of bench/run's results: hoist / skopeo ratios per scenario (medians).
# Called by bench/run as: gnuplot -e "datafile='...'; outfile='...'" bench/chart.gp
# datafile rows: "label" wall_ratio cpu_ratio rss_ratio   (label = scenario + skopeo's wall time)
set terminal pngcairo size 960,440 font "DejaVu Sans,10" noenhanced
set output outfile
set title "hoist / skopeo, median of each (below 1: hoist is faster / uses less)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "hoist / skopeo"
set yrange [0:*]
set grid ytics
set xtics scale 0 font ",9"
set key top left horizontal
set bmargin 4
set offsets graph 0, graph 0, graph 0.12, 0
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#555555" dt 2 lw 1.5
plot datafile using 2:xtic(1) title "wall time" lc rgb "#2b7bba", \
     '' using 3 title "CPU time" lc rgb "#f39c12", \
     '' using 4 title "peak RSS" lc rgb "#7f8c8d", \
     '' using ($0-0.3):($2):(sprintf("%.2f", $2)) with labels offset 0,0.7 font ",8" notitle
