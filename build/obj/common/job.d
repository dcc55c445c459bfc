build/obj/common/job.o: common/job.cpp common/job.hpp
common/job.hpp:
